"""The commands ``main`` dispatches to. Each module has ``add_arguments(parser)`` and
``run(args, console) -> int``; the options they share are declared once, in ``settings``."""
