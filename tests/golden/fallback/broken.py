def deploy(:
    ))) for in if else [[[
  return }} {{ ::
    x = = = 1
class ((( ]]] def def
    print("still here"
