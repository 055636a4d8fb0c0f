# Finds libharu (Debian's libhpdf-dev ships no pkg-config file). Defines Haru::Haru.
find_path(HARU_INCLUDE_DIR hpdf.h)
find_library(HARU_LIBRARY NAMES hpdf libhpdf)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Haru DEFAULT_MSG HARU_LIBRARY HARU_INCLUDE_DIR)
if(Haru_FOUND AND NOT TARGET Haru::Haru)
  add_library(Haru::Haru UNKNOWN IMPORTED)
  set_target_properties(Haru::Haru PROPERTIES
    IMPORTED_LOCATION ${HARU_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${HARU_INCLUDE_DIR})
endif()
mark_as_advanced(HARU_INCLUDE_DIR HARU_LIBRARY)
