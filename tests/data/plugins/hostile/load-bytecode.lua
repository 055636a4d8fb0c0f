-- Escape: load a crafted binary chunk (bytecode can crash the VM).
return {
  name = "load-bytecode",
  version = "1.0.0",
  build = function()
    load("\27LuaT\0\25\147\r\n\26\n\4\8\8xV\0\0\0\0\0\0\0\0\0\0\0(w@")
    return {}
  end,
}
