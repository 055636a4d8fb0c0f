local t = nil
return { title = t.title, sections = { { "good" } } }
