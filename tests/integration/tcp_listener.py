#!/usr/bin/env python3
"""tcp_listener.py - a TCP listener for the endpoint tests (not a test itself).

  tcp_listener.py HOST PORT_FILE LOG MODE

Binds HOST on a free port, writes the port to PORT_FILE, and for every
connection appends the first line it receives to LOG (one line per request).
MODE "answer" replies 400 and closes; MODE "stall" accepts, reads, and never
answers (the connection stays open until the listener exits).
"""
import socket
import sys
import threading

host, port_file, log, mode = sys.argv[1:5]
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((host, 0))
srv.listen(16)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
import os
os.rename(port_file + ".tmp", port_file)
held = []


def serve(conn):
    data = b""
    conn.settimeout(10)
    try:
        while b"\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    with open(log, "a") as f:
        f.write(data.split(b"\r\n", 1)[0].decode("latin-1") + "\n")
    if mode == "answer":
        try:
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        conn.close()
    else:
        held.append(conn)


while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
