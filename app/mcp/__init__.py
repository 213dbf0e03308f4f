"""The Model Context Protocol server: assistants read and write the user's interview log.

Two transports, one set of tools (``server.py``): streamable HTTP at ``/mcp`` (``http.py``) and
stdio for desktop assistants, ``interview-api mcp`` (``stdio.py``).
"""
