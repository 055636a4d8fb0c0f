# Fuzzing (docs/fuzzing.md). Included at the end of CMakeLists.txt, after folio_engine.
#
# Every build: one replay driver per target (tests/fuzz/replay.c + the target, built with the
# normal compiler and flags), registered as the CTest test fuzz-replay/TARGET, which feeds the
# seed corpus and the crash regressions to the target once.
#
# FOLIO_FUZZ=ON (clang): the engine is compiled with -fsanitize=fuzzer-no-link,address,undefined
# and each target is linked with libFuzzer as fuzz_TARGET; CTest runs it over the same folders
# with -runs=0 as fuzz/TARGET. `make fuzz` builds these in build-fuzz/ and runs each for a while.

set(FOLIO_FUZZ_TARGETS csv report markdown blocks pdfpack)
set(FOLIO_FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)

foreach(t ${FOLIO_FUZZ_TARGETS})
  add_executable(fuzz_replay_${t} ${FOLIO_FUZZ_DIR}/replay.c ${FOLIO_FUZZ_DIR}/fuzz_${t}.c)
  target_link_libraries(fuzz_replay_${t} PRIVATE folio_engine)
  add_test(NAME fuzz-replay/${t}
           COMMAND fuzz_replay_${t} ${FOLIO_FUZZ_DIR}/corpus/${t} ${FOLIO_FUZZ_DIR}/regressions/${t}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(fuzz-replay/${t} PROPERTIES TIMEOUT 60)
endforeach()

if(FOLIO_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "FOLIO_FUZZ needs clang (libFuzzer): cmake -DCMAKE_C_COMPILER=clang -DFOLIO_FUZZ=ON")
  endif()
  set(FOLIO_FUZZ_SAN -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_compile_options(folio_engine PRIVATE -fsanitize=fuzzer-no-link ${FOLIO_FUZZ_SAN})
  target_link_options(folio_engine INTERFACE -fsanitize=address,undefined)
  foreach(t ${FOLIO_FUZZ_TARGETS})
    add_executable(fuzz_${t} ${FOLIO_FUZZ_DIR}/fuzz_${t}.c)
    target_compile_options(fuzz_${t} PRIVATE -fsanitize=fuzzer ${FOLIO_FUZZ_SAN})
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(fuzz_${t} PRIVATE folio_engine)
    add_test(NAME fuzz/${t}
             COMMAND fuzz_${t} -runs=0 -rss_limit_mb=2048 -timeout=10
                     ${FOLIO_FUZZ_DIR}/corpus/${t} ${FOLIO_FUZZ_DIR}/regressions/${t}
             WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
    set_tests_properties(fuzz/${t} PROPERTIES TIMEOUT 120)
  endforeach()
endif()
