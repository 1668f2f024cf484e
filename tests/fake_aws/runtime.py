"""runtime.py - Bedrock runtime Converse / ConverseStream answers for the
loopback emulator.  Owns the stand-in model's behaviour: when the request's
toolConfig offers `submit_and_exit` (the tool a headless `cline --yolo` run
waits for, see shared/reference/cline.md section 6) and it has not been
called yet in the conversation, the first answer is a toolUse of it whose
input fills the tool's inputSchema.  Cline 1.x/2.x (the classic core) end a
task with `attempt_completion` instead: offered as a tool, it is called as
one; described in the system prompt as XML, the reply carries the XML block
(see plan_attempt_completion).  Otherwise a short text reply.  maxTokens is
honoured (one word = one token here).  Prompt caching: the words before the
last `cachePoint` block are a cache write the first time that prefix is seen
for the ModelId and a cache read afterwards; they are then not counted in
inputTokens, as Bedrock reports it.  count_cache_points says how many
prompt-cache points a request carried.
"""

import hashlib
import json
import random
import string
import uuid

from eventstream import encode_event
from state import ApiError

REPLY = "Hello from the clinecfg loopback Bedrock emulator."
FILL_TEXT = "Hello"
SUBMIT_TOOL = "submit_and_exit"


def _invalid(message):
    return ApiError("ValidationException", message, 400)


def fill_schema(schema, depth=0):
    """A value satisfying a JSON schema's required parts (strings get
    FILL_TEXT or the first enum value)."""
    if not isinstance(schema, dict) or depth > 8:
        return FILL_TEXT
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return fill_schema(schema[key][0], depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object" or (kind is None and "properties" in schema):
        props = schema.get("properties") or {}
        required = schema.get("required") or []
        return {name: fill_schema(props.get(name, {}), depth + 1) for name in required}
    if kind == "array":
        count = int(schema.get("minItems", 0) or 0)
        return [fill_schema(schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        value = schema.get("minimum", 0)
        return int(value) if kind == "integer" else value
    if kind == "null":
        return None
    text = FILL_TEXT
    min_len = int(schema.get("minLength", 0) or 0)
    if len(text) < min_len:
        text = text + "!" * (min_len - len(text))
    return text


def _submit_tool(request):
    tools = ((request.get("toolConfig") or {}).get("tools")) or []
    for tool in tools:
        spec = tool.get("toolSpec") if isinstance(tool, dict) else None
        if isinstance(spec, dict) and spec.get("name") == SUBMIT_TOOL:
            return spec
    return None


def _already_submitted(request):
    for message in request.get("messages") or []:
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        for block in message.get("content") or []:
            if isinstance(block, dict) and isinstance(block.get("toolUse"), dict) and \
                    block["toolUse"].get("name") == SUBMIT_TOOL:
                return True
    return False


def _input_tokens(request):
    words = 0
    for message in request.get("messages") or []:
        for block in (message.get("content") or []) if isinstance(message, dict) else []:
            if isinstance(block, dict) and isinstance(block.get("text"), str):
                words += len(block["text"].split())
    for block in request.get("system") or []:
        if isinstance(block, dict) and isinstance(block.get("text"), str):
            words += len(block["text"].split())
    return max(words, 1)


def _cache_prefix(request):
    """(hash, words) of the text before the last cachePoint, or None."""
    blocks = []
    for block in request.get("system") or []:
        blocks.append(block)
    for message in request.get("messages") or []:
        if isinstance(message, dict):
            blocks.extend(message.get("content") or [])
    last = None
    for i, block in enumerate(blocks):
        if isinstance(block, dict) and "cachePoint" in block:
            last = i
    if last is None:
        return None
    text = " ".join(b["text"] for b in blocks[:last] if isinstance(b, dict) and isinstance(b.get("text"), str))
    return hashlib.sha256(text.encode()).hexdigest(), len(text.split())


def plan_answer(request, prompt_cache=None):
    """Validates a Converse request and decides the answer.  Returns a dict:
    kind ('tool' or 'text'), text, tool_name, tool_input, stop_reason,
    input_tokens, output_tokens, max_tokens."""
    if not isinstance(request, dict):
        raise _invalid("The request body must be a JSON object.")
    messages = request.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _invalid("A conversation must start with a user message. Try again with a conversation that "
                       "starts with a user message.")
    config = request.get("inferenceConfig") or {}
    max_tokens = config.get("maxTokens")
    if max_tokens is not None and (not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1):
        raise _invalid("1 validation error detected: Value '%s' at 'inferenceConfig.maxTokens' failed to satisfy "
                       "constraint: Member must have value greater than or equal to 1" % (max_tokens,))
    spec = _submit_tool(request)
    plan = {"input_tokens": _input_tokens(request), "max_tokens": max_tokens}
    prefix = _cache_prefix(request)
    if prefix is not None and prefix[1] > 0:
        digest, words = prefix
        seen = prompt_cache is not None and digest in prompt_cache
        if prompt_cache is not None:
            prompt_cache.add(digest)
        plan["cache_read_tokens" if seen else "cache_write_tokens"] = words
        plan["input_tokens"] = max(plan["input_tokens"] - words, 1)
    completion = plan_attempt_completion(request)
    if spec is None and completion is not None:
        plan.update(completion)
        return plan
    if spec is not None and not _already_submitted(request):
        schema = ((spec.get("inputSchema") or {}).get("json")) or {"type": "object"}
        tool_input = with_reply_text(fill_schema(schema), schema)
        if not isinstance(tool_input, dict):
            tool_input = {}
        plan.update(kind="tool", tool_name=SUBMIT_TOOL, tool_input=tool_input, stop_reason="tool_use",
                    tool_use_id="tooluse_" + uuid.uuid4().hex[:22], text="", output_tokens=10)
        return plan
    words = REPLY.split(" ")
    stop = "end_turn"
    if max_tokens is not None and max_tokens < len(words):
        words = words[:max_tokens]
        stop = "max_tokens"
    plan.update(kind="text", text=" ".join(words), stop_reason=stop, output_tokens=len(words))
    return plan


def usage_json(plan):
    usage = {"inputTokens": plan["input_tokens"], "outputTokens": plan["output_tokens"],
             "totalTokens": plan["input_tokens"] + plan["output_tokens"]}
    for key, name in (("cache_read_tokens", "cacheReadInputTokens"), ("cache_write_tokens", "cacheWriteInputTokens")):
        if key in plan:
            usage[name] = plan[key]
            usage["totalTokens"] += plan[key]
    return usage


def converse_json(plan, latency_ms):
    if plan["kind"] == "tool":
        content = [{"toolUse": {"toolUseId": plan["tool_use_id"], "name": plan["tool_name"],
                                "input": plan["tool_input"]}}]
    else:
        content = [{"text": plan["text"]}]
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": plan["stop_reason"],
        "usage": usage_json(plan),
        "metrics": {"latencyMs": latency_ms},
    }


def _padded(obj, rng):
    # Bedrock pads every event payload with a "p" member of random length so
    # that frame sizes do not leak content; clients must ignore it.
    obj = dict(obj)
    obj["p"] = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randrange(1, 30)))
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def converse_stream_frames(plan, latency_ms, rng=None):
    """The ConverseStream answer as a list of event-stream frames."""
    rng = rng or random.Random()
    frames = [encode_event("messageStart", _padded({"role": "assistant"}, rng))]
    if plan["kind"] == "tool":
        frames.append(encode_event("contentBlockStart", _padded(
            {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": plan["tool_use_id"],
                                                           "name": plan["tool_name"]}}}, rng)))
        text = json.dumps(plan["tool_input"], separators=(",", ":"))
        # Split the JSON input in two deltas, as the service streams it in pieces.
        cut = len(text) // 2
        for piece in (text[:cut], text[cut:]):
            if piece:
                frames.append(encode_event("contentBlockDelta", _padded(
                    {"contentBlockIndex": 0, "delta": {"toolUse": {"input": piece}}}, rng)))
    else:
        words = plan["text"].split(" ")
        for i, word in enumerate(words):
            piece = word if i == 0 else " " + word
            frames.append(encode_event("contentBlockDelta", _padded(
                {"contentBlockIndex": 0, "delta": {"text": piece}}, rng)))
    frames.append(encode_event("contentBlockStop", _padded({"contentBlockIndex": 0}, rng)))
    frames.append(encode_event("messageStop", _padded({"stopReason": plan["stop_reason"]}, rng)))
    frames.append(encode_event("metadata", _padded({
        "usage": usage_json(plan),
        "metrics": {"latencyMs": latency_ms}}, rng)))
    return frames


def with_reply_text(tool_input, schema):
    """The filled tool input with REPLY in every free-text string member (no
    enum, const or format; REPLY fits its length limits), so that a client
    which shows the tool's input (Cline 3.x prints submit_and_exit's summary)
    shows the emulator's reply."""
    if not isinstance(tool_input, dict) or not isinstance(schema, dict):
        return tool_input
    props = schema.get("properties") or {}
    for name in tool_input:
        sub = props.get(name)
        if not isinstance(sub, dict) or sub.get("type") != "string" or \
                any(k in sub for k in ("enum", "const", "format", "pattern")):
            continue
        if int(sub.get("minLength", 0) or 0) <= len(REPLY) <= int(sub.get("maxLength", len(REPLY)) or len(REPLY)):
            tool_input[name] = REPLY
    return tool_input


# ------------------------------------------------- Cline's classic core (1.x, 2.x)
COMPLETION_TOOL = "attempt_completion"
COMPLETION_XML = "<attempt_completion>"


def _system_text(request):
    return "\n".join(block["text"] for block in request.get("system") or []
                     if isinstance(block, dict) and isinstance(block.get("text"), str))


def _offered_tool(request, name):
    for tool in ((request.get("toolConfig") or {}).get("tools")) or []:
        spec = tool.get("toolSpec") if isinstance(tool, dict) else None
        if isinstance(spec, dict) and spec.get("name") == name:
            return spec
    return None


def _completion_already_attempted(request):
    for message in request.get("messages") or []:
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        for block in message.get("content") or []:
            if not isinstance(block, dict):
                continue
            if isinstance(block.get("toolUse"), dict) and block["toolUse"].get("name") == COMPLETION_TOOL:
                return True
            if isinstance(block.get("text"), str) and COMPLETION_XML in block["text"]:
                return True
    return False


def plan_attempt_completion(request):
    """The answer that ends a task of Cline's classic core, or None when the
    request is not one.  It offers `attempt_completion` either as a native
    tool (toolConfig) or, for models it does not trust with native tools (an
    application-profile ARN among them), only in its system prompt as XML:
    `<attempt_completion><result>...</result></attempt_completion>`, parsed
    out of the reply text.  Asked again after it was attempted: plain text."""
    if _completion_already_attempted(request):
        return None
    spec = _offered_tool(request, COMPLETION_TOOL)
    if spec is not None:
        schema = ((spec.get("inputSchema") or {}).get("json")) or {"type": "object"}
        tool_input = fill_schema(schema)
        if not isinstance(tool_input, dict):
            tool_input = {}
        tool_input["result"] = REPLY
        return {"kind": "tool", "tool_name": COMPLETION_TOOL, "tool_input": tool_input, "stop_reason": "tool_use",
                "tool_use_id": "tooluse_" + uuid.uuid4().hex[:22], "text": "", "output_tokens": 10}
    if COMPLETION_XML not in _system_text(request):
        return None
    text = "%s\n\n%s\n<result>\n%s\n</result>\n</attempt_completion>" % (REPLY, COMPLETION_XML, REPLY)
    return {"kind": "xml", "text": text, "stop_reason": "end_turn", "output_tokens": len(text.split())}


def count_cache_points(request):
    """How many cachePoint blocks a Converse request carries (system prompt,
    message contents and tool list together)."""
    if not isinstance(request, dict):
        return 0
    blocks = list(request.get("system") or [])
    for message in request.get("messages") or []:
        if isinstance(message, dict):
            blocks.extend(message.get("content") or [])
    blocks.extend(((request.get("toolConfig") or {}).get("tools")) or [])
    return sum(1 for block in blocks if isinstance(block, dict) and "cachePoint" in block)


# Seconds the XML completion's stream pauses after the block has closed and
# before contentBlockStop/messageStop/metadata.  Sent in one burst, the end of
# the stream overtakes the classic core's handling of the block: it posts the
# request's cost before its completion_result, and the 1.x Go front end (which
# exits only when one state update shows both) waits forever.  A real model
# also takes a moment between its last token and the end of the stream.
XML_END_PAUSE_S = 0.5


def stream_pauses(plan, frames):
    """Seconds to wait after each frame of converse_stream_frames(plan)."""
    pauses = [0.0] * len(frames)
    if plan.get("kind") == "xml" and len(frames) >= 4:
        pauses[-4] = XML_END_PAUSE_S  # after the last delta
    return pauses
