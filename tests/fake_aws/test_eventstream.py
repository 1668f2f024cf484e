"""test_eventstream.py - event-stream framing used for ConverseStream:
known CRC vector, layout computed by hand, round trip through the strict
decoder, and detection of corrupted prelude / message CRCs."""

import binascii
import json
import os
import struct
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eventstream  # noqa: E402
import runtime  # noqa: E402


class EventStreamTest(unittest.TestCase):
    def test_empty_message_vector(self):
        # aws-c-event-stream's empty message: prelude CRC 0x05c248eb, message CRC 0x7d98c8ff.
        frame = eventstream.encode_message([], b"")
        self.assertEqual(binascii.hexlify(frame).decode(), "000000100000000005c248eb7d98c8ff")

    def test_layout_by_hand(self):
        payload = b'{"role":"assistant"}'
        frame = eventstream.encode_event("messageStart", payload)
        total, header_len = struct.unpack(">II", frame[:8])
        self.assertEqual(total, len(frame))
        self.assertEqual(struct.unpack(">I", frame[8:12])[0], binascii.crc32(frame[:8]))
        self.assertEqual(struct.unpack(">I", frame[-4:])[0], binascii.crc32(frame[:-4]))
        headers = frame[12:12 + header_len]
        # first header: len(":event-type")=11, name, type 7, u16 length, value
        self.assertEqual(headers[:12], b"\x0b:event-type")
        self.assertEqual(headers[12], 7)
        self.assertEqual(struct.unpack(">H", headers[13:15])[0], len("messageStart"))
        self.assertEqual(headers[15:27], b"messageStart")
        self.assertEqual(frame[12 + header_len:-4], payload)

    def test_round_trip_and_corruption(self):
        plan = runtime.plan_answer({"messages": [{"role": "user", "content": [{"text": "hi"}]}]})
        data = b"".join(runtime.converse_stream_frames(plan, 5))
        messages = eventstream.decode_stream(data)
        self.assertEqual(messages[0][0][":event-type"], "messageStart")
        self.assertEqual(messages[-1][0][":event-type"], "metadata")
        self.assertIn("p", json.loads(messages[0][1]))  # padding member, as the service sends
        for offset, what in ((4, "prelude"), (20, "message"), (len(data) - 1, "message")):
            corrupted = bytearray(data)
            corrupted[offset] ^= 0x01
            with self.subTest(offset=offset):
                with self.assertRaises(eventstream.DecodeError) as cm:
                    eventstream.decode_stream(bytes(corrupted))
                self.assertIn(what if offset != 4 else "CRC", str(cm.exception))
        with self.assertRaises(eventstream.DecodeError):
            eventstream.decode_stream(data[:-3])

    def test_fill_schema(self):
        schema = {"type": "object", "required": ["a", "b", "c", "d"], "properties": {
            "a": {"type": "string", "minLength": 8}, "b": {"type": "integer", "minimum": 3},
            "c": {"type": "object", "required": ["x"], "properties": {"x": {"type": ["string", "null"]}}},
            "d": {"anyOf": [{"type": "boolean"}, {"type": "string"}]}, "e": {"type": "string"}}}
        value = runtime.fill_schema(schema)
        self.assertEqual(set(value), {"a", "b", "c", "d"})
        self.assertGreaterEqual(len(value["a"]), 8)
        self.assertEqual((value["b"], value["c"], value["d"]), (3, {"x": "Hello"}, True))


if __name__ == "__main__":
    unittest.main()
