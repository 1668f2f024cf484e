// sdk_interop.mjs - drives the emulator with the official AWS SDK for
// JavaScript v3 (signing, serialisation, error parsing, retries, event
// stream decoding all done by the real SDK).  Used by test_sdk_interop.py
// when the SDK packages are installed (see README.md); prints one JSON line
// per check and exits non-zero on the first failure.
//
// Usage: node sdk_interop.mjs SEED.json PORT   (NODE_PATH = the node_modules holding @aws-sdk/*)
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.env.NODE_PATH ? process.env.NODE_PATH + "/" : import.meta.url);
const { STSClient, GetCallerIdentityCommand, GetSessionTokenCommand } = require("@aws-sdk/client-sts");
const B = require("@aws-sdk/client-bedrock");
const R = require("@aws-sdk/client-bedrock-runtime");
const { SSOClient, GetRoleCredentialsCommand } = require("@aws-sdk/client-sso");
const CE = require("@aws-sdk/client-cost-explorer");
const { NodeHttpHandler } = require("@smithy/node-http-handler");

const [seedPath, port] = process.argv.slice(2);
const seed = JSON.parse(fs.readFileSync(seedPath, "utf8"));
const endpoint = `http://127.0.0.1:${port}`;
const region = "ap-northeast-1";
const user = (name) => {
  const u = seed.users.find((x) => x.name === name);
  return { accessKeyId: u.access_key_id, secretAccessKey: u.secret_access_key, sessionToken: u.session_token };
};
const cfg = (credentials, extra = {}) => ({ region, endpoint, credentials, maxAttempts: 3, ...extra });
const apac = "apac.anthropic.claude-sonnet-4-5-20250929-v1:0";
const apacArn = `arn:aws:bedrock:${region}:${seed.account}:inference-profile/${apac}`;

function ok(name, detail) { console.log(JSON.stringify({ check: name, ok: true, detail })); }
function must(cond, name, detail) {
  if (!cond) { console.log(JSON.stringify({ check: name, ok: false, detail })); process.exit(1); }
  ok(name, detail);
}
async function errorName(promise) {
  try { await promise; return null; } catch (e) { return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message }; }
}

const sts = new STSClient(cfg(user("alice")));
const who = await sts.send(new GetCallerIdentityCommand({}));
must(who.Arn === `arn:aws:iam::${seed.account}:user/alice` && who.Account === seed.account, "sts.GetCallerIdentity", who.Arn);

const session = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
const temp = { accessKeyId: session.Credentials.AccessKeyId, secretAccessKey: session.Credentials.SecretAccessKey,
  sessionToken: session.Credentials.SessionToken };
must(temp.accessKeyId.startsWith("ASIA") && session.Credentials.Expiration instanceof Date, "sts.GetSessionToken",
  session.Credentials.Expiration.toISOString());
const whoTemp = await new STSClient(cfg(temp)).send(new GetCallerIdentityCommand({}));
must(whoTemp.Arn === who.Arn, "sts.temp-credentials", whoTemp.Arn);

let e = await errorName(new STSClient(cfg({ accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" })).send(new GetCallerIdentityCommand({})));
must(e && e.name === "InvalidClientTokenId" && e.status === 403, "sts.unknown-key", e);
e = await errorName(new STSClient(cfg({ ...user("alice"), secretAccessKey: "wrong" })).send(new GetCallerIdentityCommand({})));
must(e && e.name === "SignatureDoesNotMatch", "sts.bad-signature", e);
e = await errorName(new STSClient(cfg(user("erin"))).send(new GetCallerIdentityCommand({})));
must(e && e.name === "ExpiredToken" && e.status === 403, "sts.expired-token", e);

const bedrock = new B.BedrockClient(cfg(user("alice")));
const sys = await bedrock.send(new B.ListInferenceProfilesCommand({}));
must(sys.inferenceProfileSummaries.every((p) => p.type === "SYSTEM_DEFINED"), "bedrock.List.default-system",
  sys.inferenceProfileSummaries.length);
let count = 0, pages = 0;
for await (const page of B.paginateListInferenceProfiles({ client: bedrock, pageSize: 7 }, { typeEquals: "APPLICATION" })) {
  pages++; count += page.inferenceProfileSummaries.length;
}
must(pages >= 3 && count >= 21, "bedrock.List.paginator", { pages, count });
const byId = await bedrock.send(new B.GetInferenceProfileCommand({ inferenceProfileIdentifier: apac }));
const byArn = await bedrock.send(new B.GetInferenceProfileCommand({ inferenceProfileIdentifier: apacArn }));
must(byId.inferenceProfileArn === apacArn && byArn.models.length === 3 && byArn.createdAt instanceof Date,
  "bedrock.Get.id-and-arn", byArn.models.map((m) => m.modelArn));

const created = await bedrock.send(new B.CreateInferenceProfileCommand({
  inferenceProfileName: "sdk-bedrock-alice", modelSource: { copyFrom: apacArn }, clientRequestToken: "sdk-token-1",
  tags: [{ key: "Team", value: "sdk" }, { key: "MemberName", value: "alice" }] }));
must(/application-inference-profile\/[a-z0-9]{12}$/.test(created.inferenceProfileArn) && created.$metadata.httpStatusCode === 201,
  "bedrock.Create", created.inferenceProfileArn);
const again = await bedrock.send(new B.CreateInferenceProfileCommand({
  inferenceProfileName: "sdk-bedrock-alice", modelSource: { copyFrom: apacArn }, clientRequestToken: "sdk-token-1" }));
must(again.inferenceProfileArn === created.inferenceProfileArn, "bedrock.Create.idempotent", again.inferenceProfileArn);
e = await errorName(bedrock.send(new B.CreateInferenceProfileCommand({
  inferenceProfileName: "sdk-bedrock-alice", modelSource: { copyFrom: apacArn } })));
must(e && e.name === "ConflictException" && e.status === 400, "bedrock.Create.conflict", e);
e = await errorName(bedrock.send(new B.CreateInferenceProfileCommand({
  inferenceProfileName: "bad..name", modelSource: { copyFrom: apacArn } })));
must(e && e.name === "ValidationException", "bedrock.Create.validation", e);
e = await errorName(new B.BedrockClient(cfg(user("bob"))).send(new B.CreateInferenceProfileCommand({
  inferenceProfileName: "sdk-bedrock-bob", modelSource: { copyFrom: apacArn } })));
must(e && e.name === "AccessDeniedException" && e.status === 403, "bedrock.Create.denied", e);
e = await errorName(new B.BedrockClient(cfg({ accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" })).send(
  new B.ListInferenceProfilesCommand({})));
must(e && e.name === "UnrecognizedClientException", "bedrock.unknown-key", e);
const appByArn = await bedrock.send(new B.GetInferenceProfileCommand({ inferenceProfileIdentifier: created.inferenceProfileArn }));
must(appByArn.type === "APPLICATION" && appByArn.inferenceProfileName === "sdk-bedrock-alice", "bedrock.Get.app-arn", appByArn.inferenceProfileId);
await bedrock.send(new B.TagResourceCommand({ resourceARN: created.inferenceProfileArn, tags: [{ key: "Env", value: "dev" }] }));
await bedrock.send(new B.UntagResourceCommand({ resourceARN: created.inferenceProfileArn, tagKeys: ["Team"] }));
const tags = await bedrock.send(new B.ListTagsForResourceCommand({ resourceARN: created.inferenceProfileArn }));
must(JSON.stringify(tags.tags.map((t) => t.key).sort()) === '["Env","MemberName"]', "bedrock.tags", tags.tags);
e = await errorName(bedrock.send(new B.GetInferenceProfileCommand({ inferenceProfileIdentifier: "apac.no-such-model-v1:0" })));
must(e && e.name === "ResourceNotFoundException" && e.status === 404, "bedrock.Get.not-found", e);
const fms = await bedrock.send(new B.ListFoundationModelsCommand({ byProvider: "Anthropic" }));
must(fms.modelSummaries.length >= 3, "bedrock.ListFoundationModels", fms.modelSummaries.map((m) => m.modelId));

// Runtime: ConverseStream through the application profile ARN, with the submit_and_exit tool.
// The runtime client defaults to an HTTP/2 handler; the emulator speaks HTTP/1.1 only.
const h1 = () => ({ requestHandler: new NodeHttpHandler() });
const rt = new R.BedrockRuntimeClient(cfg(temp, h1()));
const stream = await rt.send(new R.ConverseStreamCommand({
  modelId: created.inferenceProfileArn,
  messages: [{ role: "user", content: [{ text: "Say hello" }] }],
  toolConfig: { tools: [{ toolSpec: { name: "submit_and_exit", description: "done",
    inputSchema: { json: { type: "object", properties: { result: { type: "string" } }, required: ["result"] } } } }] },
}));
const events = [];
let toolInput = "";
for await (const ev of stream.stream) {
  const kind = Object.keys(ev)[0];
  events.push(kind);
  if (ev.contentBlockDelta?.delta?.toolUse) toolInput += ev.contentBlockDelta.delta.toolUse.input;
}
must(events.join(",") === "messageStart,contentBlockStart,contentBlockDelta,contentBlockDelta,contentBlockStop,messageStop,metadata"
  && typeof JSON.parse(toolInput).result === "string", "runtime.ConverseStream.tool", { events, toolInput });
const conv = await rt.send(new R.ConverseCommand({ modelId: apac, messages: [{ role: "user", content: [{ text: "hi" }] }],
  inferenceConfig: { maxTokens: 1 } }));
must(conv.output.message.content[0].text === "Hello" && conv.stopReason === "max_tokens", "runtime.Converse.maxTokens", conv.output);
e = await errorName(new R.BedrockRuntimeClient(cfg(user("frank"), h1())).send(new R.ConverseCommand({ modelId: apac,
  messages: [{ role: "user", content: [{ text: "hi" }] }] })));
must(e && e.name === "AccessDeniedException", "runtime.denied", e);

// SSO portal (unsigned).
const sso = seed.sso[0];
const roleCreds = await new SSOClient({ region, endpoint }).send(new GetRoleCredentialsCommand({
  accessToken: sso.access_token, accountId: sso.account_id, roleName: sso.role_name }));
must(roleCreds.roleCredentials.accessKeyId.startsWith("ASIA") && roleCreds.roleCredentials.expiration > Date.now(),
  "sso.GetRoleCredentials", roleCreds.roleCredentials.expiration);
e = await errorName(new SSOClient({ region, endpoint }).send(new GetRoleCredentialsCommand({
  accessToken: "nope", accountId: sso.account_id, roleName: sso.role_name })));
must(e && e.name === "UnauthorizedException" && e.status === 401, "sso.unauthorized", e);
const ssoWho = await new STSClient(cfg({ accessKeyId: roleCreds.roleCredentials.accessKeyId,
  secretAccessKey: roleCreds.roleCredentials.secretAccessKey, sessionToken: roleCreds.roleCredentials.sessionToken }))
  .send(new GetCallerIdentityCommand({}));
must(ssoWho.Arn === sso.arn, "sso.credentials-work", ssoWho.Arn);

// Cost Explorer.
const ce = new CE.CostExplorerClient({ ...cfg(user("alice")), region: "us-east-1" });
const cat = await ce.send(new CE.ListCostAllocationTagsCommand({ Status: "Active" }));
must(cat.CostAllocationTags.map((t) => t.TagKey).sort().join(",") === "MemberName,Team", "ce.ListCostAllocationTags", cat.CostAllocationTags);
e = await errorName(new CE.CostExplorerClient({ ...cfg(user("frank")), region: "us-east-1" }).send(new CE.ListCostAllocationTagsCommand({})));
must(e && e.name === "AccessDeniedException", "ce.denied", e);

// Fault injection + SDK standard retries: every call must succeed within 3 attempts.
async function admin(method, name, body) {
  const r = await fetch(`${endpoint}/__admin/${name}`, { method, body: body ? JSON.stringify(body) : undefined });
  return r.json();
}
await admin("POST", "reset-stats");
await admin("POST", "knobs", { fail_rate: 0.3, drop_rate: 0.05 });
for (let i = 0; i < 60; i++) {
  await bedrock.send(new B.GetInferenceProfileCommand({ inferenceProfileIdentifier: apac }));
}
await admin("POST", "knobs", { fail_rate: 0, drop_rate: 0 });
const stats = await admin("GET", "stats");
must(stats.injected_failures > 0 && stats.max_attempts_per_invocation <= 3 && stats.max_attempt_header <= 3
  && stats.invocation_ids === 60, "sdk.retries-under-faults",
  { injected: stats.injected_failures, dropped: stats.dropped_connections, max: stats.max_attempts_per_invocation });

// Clock skew: the SDK reads Date from the error and retries with a corrected clock.
await admin("POST", "knobs", { clock_offset_seconds: 3600 });
const skewed = await new B.BedrockClient(cfg(user("alice"))).send(new B.GetInferenceProfileCommand({ inferenceProfileIdentifier: apac }));
await admin("POST", "knobs", { clock_offset_seconds: 0 });
must(skewed.inferenceProfileId === apac, "sdk.clock-skew-corrected", skewed.$metadata.attempts);
console.log(JSON.stringify({ check: "all", ok: true }));
