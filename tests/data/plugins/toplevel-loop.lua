-- Loops while being loaded, before build(): the budget applies there too.
while true do end
