return setmetatable({}, { __index = function() error("metamethod ran") end, __len = function() error("metamethod ran") end })
