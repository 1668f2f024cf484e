"""eventstream.py - AWS event-stream framing (application/vnd.amazon.eventstream)
for the emulator's Bedrock runtime ConverseStream answers.  Owns encoding a
message (prelude, prelude CRC32, headers, payload, message CRC32) and a strict
decoder the self-tests use to check the frames.

Frame layout (all integers big-endian):
  total_length u32 | headers_length u32 | prelude_crc u32 (CRC32 of the first 8 bytes)
  headers (headers_length bytes) | payload | message_crc u32 (CRC32 of everything before it)
Header: name_length u8 | name | value_type u8 | value.  Type 7 = string
(u16 length + UTF-8 bytes); the others are decoded for completeness.
"""

import struct
import zlib

TYPE_TRUE, TYPE_FALSE, TYPE_BYTE, TYPE_SHORT, TYPE_INT, TYPE_LONG, TYPE_BYTES, TYPE_STRING, TYPE_TIMESTAMP, TYPE_UUID = range(10)
MAX_MESSAGE = 16 * 1024 * 1024


def _crc(data):
    return zlib.crc32(data) & 0xFFFFFFFF


def encode_headers(headers):
    out = bytearray()
    for name, value in headers:
        name_bytes = name.encode("utf-8")
        value_bytes = value.encode("utf-8")
        if len(name_bytes) > 255 or len(value_bytes) > 0xFFFF:
            raise ValueError("event-stream header too long: %s" % name)
        out += struct.pack(">B", len(name_bytes)) + name_bytes
        out += struct.pack(">BH", TYPE_STRING, len(value_bytes)) + value_bytes
    return bytes(out)


def encode_message(headers, payload):
    """headers: [(name, str value)]; payload: bytes."""
    header_bytes = encode_headers(headers)
    total = 12 + len(header_bytes) + len(payload) + 4
    prelude = struct.pack(">II", total, len(header_bytes))
    head = prelude + struct.pack(">I", _crc(prelude)) + header_bytes + payload
    return head + struct.pack(">I", _crc(head))


def encode_event(event_type, payload_bytes):
    return encode_message([(":event-type", event_type), (":content-type", "application/json"),
                           (":message-type", "event")], payload_bytes)


def encode_exception(exception_type, payload_bytes):
    return encode_message([(":exception-type", exception_type), (":content-type", "application/json"),
                           (":message-type", "exception")], payload_bytes)


class DecodeError(ValueError):
    pass


def decode_headers(data):
    headers = {}
    pos = 0
    while pos < len(data):
        name_len = data[pos]
        pos += 1
        name = data[pos:pos + name_len].decode("utf-8")
        pos += name_len
        if pos >= len(data):
            raise DecodeError("truncated header %r" % name)
        vtype = data[pos]
        pos += 1
        if vtype in (TYPE_TRUE, TYPE_FALSE):
            value = vtype == TYPE_TRUE
        elif vtype == TYPE_BYTE:
            value = struct.unpack_from(">b", data, pos)[0]
            pos += 1
        elif vtype == TYPE_SHORT:
            value = struct.unpack_from(">h", data, pos)[0]
            pos += 2
        elif vtype == TYPE_INT:
            value = struct.unpack_from(">i", data, pos)[0]
            pos += 4
        elif vtype in (TYPE_LONG, TYPE_TIMESTAMP):
            value = struct.unpack_from(">q", data, pos)[0]
            pos += 8
        elif vtype in (TYPE_BYTES, TYPE_STRING):
            length = struct.unpack_from(">H", data, pos)[0]
            pos += 2
            raw = data[pos:pos + length]
            if len(raw) != length:
                raise DecodeError("truncated header value %r" % name)
            value = raw.decode("utf-8") if vtype == TYPE_STRING else raw
            pos += length
        elif vtype == TYPE_UUID:
            value = data[pos:pos + 16]
            pos += 16
        else:
            raise DecodeError("unknown header type %d" % vtype)
        headers[name] = value
    return headers


def decode_stream(data):
    """Splits a complete byte stream into [(headers dict, payload bytes)],
    checking both CRCs of every frame; raises DecodeError."""
    messages = []
    pos = 0
    while pos < len(data):
        if len(data) - pos < 16:
            raise DecodeError("truncated prelude at offset %d" % pos)
        total, header_len = struct.unpack_from(">II", data, pos)
        prelude_crc = struct.unpack_from(">I", data, pos + 8)[0]
        if _crc(data[pos:pos + 8]) != prelude_crc:
            raise DecodeError("prelude CRC mismatch at offset %d" % pos)
        if total < 16 or total > MAX_MESSAGE or pos + total > len(data) or header_len > total - 16:
            raise DecodeError("bad frame length %d at offset %d" % (total, pos))
        frame = data[pos:pos + total]
        if _crc(frame[:-4]) != struct.unpack_from(">I", frame, total - 4)[0]:
            raise DecodeError("message CRC mismatch at offset %d" % pos)
        headers = decode_headers(frame[12:12 + header_len])
        payload = frame[12 + header_len:total - 4]
        messages.append((headers, payload))
        pos += total
    return messages
