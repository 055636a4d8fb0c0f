os.execute("touch /tmp/folio-pwned")
return { title = "x", sections = { { "good" } } }
