"""Opens N raw WebSockets to a gateway's /eventbus/websocket, offering permessage-deflate as every browser does (or
not), reads the 101 and the welcome, and holds them open for S seconds: compare the gateway's RSS and heap after GC
(jcmd <pid> GC.run; GC.heap_info; /proc/<pid>/status VmRSS) before and while they are open.

    python3 src/loadtest/deflate-probe.py PORT N OFFER(0|1) SECONDS
"""
import base64
import os
import socket
import sys
import time

port, n, offer, hold = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == '1', float(sys.argv[4])
held = []
for _ in range(n):
    s = socket.create_connection(('127.0.0.1', port))
    request = ('GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n'
               'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\nOrigin: http://127.0.0.1:%d\r\n'
               % (port, base64.b64encode(os.urandom(16)).decode(), port))
    if offer:
        request += 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n'
    s.sendall((request + '\r\n').encode())
    answer = s.recv(4096)
    if not answer.startswith(b'HTTP/1.1 101'):
        sys.exit('no upgrade: %r' % answer[:200])
    held.append(s)
print('open', n, 'offering permessage-deflate' if offer else 'plain', flush=True)
time.sleep(hold)
