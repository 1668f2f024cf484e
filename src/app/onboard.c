/* onboard.c - the flow behind `setup` and `admin provision`: who the
 * developer is (member name from the caller, git or $USER), the profile's
 * name and tags, finding it (remembered ARN, list pages, tags), creating it,
 * and the request file and webhook when creation is denied (see
 * include/clinecfg/onboard.h).  It talks to AWS only through awsclient and
 * bedrock, and writes no Cline files. */
#define _GNU_SOURCE
#include "clinecfg/onboard.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/arn.h"
#include "clinecfg/envlookup.h"
#include "clinecfg/identity.h"
#include "clinecfg/safefile.h"
#include "clinecfg/shquote.h"
#include "clinecfg/strbuf.h"
#include "clinecfg/sts.h"

#include "../aws/curl_dl.h" /* libcurl's URL parser, through the table */

#define LIST_PAGE_SIZE 1000
#define ONBOARD_THROTTLE_ROUNDS 8

static int find_or_create(awsclient *c, const onboard_spec *s, onboard_result *r, const cc_out *out,
                          bedrock_profile_page *first, cc_err *err);

void onboard_result_free(onboard_result *r)
{
    if (!r)
        return;
    free(r->caller_arn);
    free(r->member);
    free(r->arn);
    free(r->base_model_id);
    for (size_t i = 0; i < r->n_model_arns; i++)
        free(r->model_arns[i]);
    free(r->model_arns);
    for (size_t i = 0; i < r->n_regions; i++)
        free(r->regions[i]);
    free(r->regions);
    for (size_t i = 0; i < r->n_tags; i++) {
        free(r->tags[i].key);
        free(r->tags[i].value);
    }
    free(r->tags);
    memset(r, 0, sizeof *r);
}

bool onboard_model_supports_prompt_cache(const char *id)
{
    /* Bedrock prompt caching: Claude 3.5 Haiku, 3.5 Sonnet v2, 3.7 and every
     * Claude 4 generation, and Amazon Nova; not the older Claude models. */
    if (!id)
        return false;
    if (strstr(id, "amazon.nova"))
        return true;
    if (!strstr(id, "anthropic.claude"))
        return false;
    static const char *const old[] = {"claude-v2", "claude-instant", "claude-3-sonnet", "claude-3-haiku",
                                      "claude-3-opus", "claude-3-5-sonnet-20240620", NULL};
    for (int i = 0; old[i]; i++)
        if (strstr(id, old[i]))
            return false;
    return true;
}

/* The first line `git config --get user.email` prints, or NULL.  git runs
 * without a shell, with stdin and stderr on /dev/null; our pipe is
 * close-on-exec, and where the C library can, every other descriptor is
 * closed in the child too. */
static char *read_git_email(void)
{
    static char *const argv[] = {"git", "config", "--get", "user.email", NULL};
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0)
        return NULL;
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        close(out[0]);
        close(out[1]);
        return NULL;
    }
    pid_t pid = -1;
    /* dup2 onto 0/1/2 clears close-on-exec there, and only there. */
    int rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!rc)
        rc = posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    if (!rc)
        rc = posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    /* libcurl's sockets are not close-on-exec; git has no use for them. */
    if (!rc)
        rc = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
#endif
    if (!rc)
        rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    char buf[256];
    size_t used = 0;
    while (!rc && used + 1 < sizeof buf) {
        ssize_t n = read(out[0], buf + used, sizeof buf - 1 - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        used += (size_t)n;
        if (memchr(buf + used - (size_t)n, '\n', (size_t)n))
            break;
    }
    close(out[0]);
    while (!rc && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    if (rc)
        return NULL;
    buf[used] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf[0] ? strdup(buf) : NULL;
}

static bool has_alnum(const char *s)
{
    for (; *s; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9'))
            return true;
    return false;
}

static int take_member(onboard_result *r, const char *member, const char *source, cc_err *err)
{
    r->member_source = source;
    r->member = strdup(member);
    return r->member ? 0 : cc_err_oom(err);
}

/* The member name is the identity, unabridged (include/clinecfg/identity.h):
 * --member, else the caller ARN's name.  Only when that name has no letter
 * or digit: the local part of git's user.email, then $USER. */
static int resolve_member(const onboard_spec *s, const char *caller_arn, onboard_result *r, const cc_out *out,
                          cc_err *err)
{
    if (s->member) {
        int rc = identity_check_member(s->member, "--member", err);
        return rc ? rc : take_member(r, s->member, "--member", err);
    }
    identity id;
    int rc = identity_from_arn(caller_arn, &id, err);
    if (rc)
        return rc; /* root is refused with advice; nothing else is usable then */
    if (has_alnum(id.raw_name)) {
        char what[300];
        snprintf(what, sizeof what, "your name in %s", caller_arn);
        if ((rc = identity_check_member(id.raw_name, what, err))) {
            cc_err_hint(err, "pass --member NAME: your identity spelled with ASCII letters, digits, spaces and "
                             ". _ : / = + @ - (e.g. your e-mail address)");
            return rc;
        }
        return take_member(r, id.raw_name, "caller ARN", err);
    }
    out_trace(out, "caller name '%s' gives no usable member name; trying git user.email", id.raw_name);
    char *email = read_git_email();
    if (email) {
        email[strcspn(email, "@")] = '\0'; /* the local part (DESIGN.md, Identity) */
        bool usable = has_alnum(email) && identity_check_member(email, "git user.email", NULL) == 0;
        rc = usable ? take_member(r, email, "git user.email", err) : 0;
        free(email);
        if (usable)
            return rc;
    }
    const char *user = cc_getenv(NULL, NULL, "USER");
    if (user && has_alnum(user) && identity_check_member(user, "$USER", NULL) == 0)
        return take_member(r, user, "$USER", err);
    cc_err_set(err, CC_EINPUT, "identity.member", "no member name could be derived from '%s', git or $USER",
               id.raw_name);
    cc_err_hint(err, "pass --member NAME");
    return CC_EINPUT;
}

static int add_tag(onboard_result *r, const char *key, const char *value, cc_err *err)
{
    int rc = identity_check_tag(key, value, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < r->n_tags; i++) {
        if (strcmp(r->tags[i].key, key) == 0) {
            cc_err_set(err, CC_EINPUT, "tag.duplicate", "tag key '%s' is set twice (team/member keys and extra_tags)",
                       key);
            cc_err_hint(err, "remove '%s' from extra_tags or change tag_keys", key);
            return CC_EINPUT;
        }
    }
    bedrock_tag *t = realloc(r->tags, (r->n_tags + 1) * sizeof *t);
    if (!t)
        return cc_err_oom(err);
    r->tags = t;
    t[r->n_tags].key = strdup(key);
    t[r->n_tags].value = strdup(value);
    r->n_tags++; /* counted even when a copy failed, so onboard_result_free frees the other */
    if (!t[r->n_tags - 1].key || !t[r->n_tags - 1].value)
        return cc_err_oom(err);
    return 0;
}

static int build_name_and_tags(const onboard_spec *s, const char *region, onboard_result *r, cc_err *err)
{
    int rc;
    if (s->profile_name) {
        if (!identity_valid_profile_name(s->profile_name)) {
            cc_err_set(err, CC_EINPUT, "flag.profile-name", "--profile-name '%s' is not a valid Bedrock profile name",
                       s->profile_name);
            cc_err_hint(err, "use 1-64 letters or digits with single ' ', '_' or '-' between them");
            return CC_EINPUT;
        }
        snprintf(r->name, sizeof r->name, "%s", s->profile_name);
    } else {
        identity_member_rule rule;
        rc = identity_member_rule_parse(s->member_rule, &rule, err);
        if (!rc)
            rc = identity_profile_name(s->name_template ? s->name_template : "{team}-bedrock-{member}", s->team,
                                       r->member, rule, region, r->account, r->name, sizeof r->name, err);
        if (rc)
            return rc;
    }
    if (s->team && s->tag_key_team && (rc = add_tag(r, s->tag_key_team, s->team, err)))
        return rc;
    if (s->tag_key_member && (rc = add_tag(r, s->tag_key_member, r->member, err)))
        return rc;
    r->member_tag_key = s->tag_key_member;
    const cJSON *t;
    cJSON_ArrayForEach(t, s->extra_tags) {
        if (cJSON_IsString(t) && (rc = add_tag(r, t->string, t->valuestring, err)))
            return rc;
    }
    return 0;
}

static bool tags_match(const onboard_result *r, const bedrock_tags *have)
{
    for (size_t i = 0; i < r->n_tags; i++) {
        const char *v = bedrock_tags_get(have, r->tags[i].key);
        if (!v || strcmp(v, r->tags[i].value) != 0)
            return false;
    }
    return true;
}

static void describe_tag_diff(const onboard_result *r, const bedrock_tags *have, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->n_tags && n < size; i++) {
        const char *v = bedrock_tags_get(have, r->tags[i].key);
        if (v && strcmp(v, r->tags[i].value) == 0)
            continue;
        int w;
        if (v)
            w = snprintf(buf + n, size - n, "%s%s=%s (expected %s)", n ? ", " : "", r->tags[i].key, v,
                         r->tags[i].value);
        else
            w = snprintf(buf + n, size - n, "%s%s missing (expected %s)", n ? ", " : "", r->tags[i].key,
                         r->tags[i].value);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

static int strcmp_ptr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Same set of model ARNs as the source (order does not matter). */
static bool models_match(const onboard_result *r, char *const *arns, size_t n)
{
    if (n != r->n_model_arns || n == 0)
        return false;
    char **a = malloc(n * sizeof *a), **b = malloc(n * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return false;
    }
    memcpy(a, arns, n * sizeof *a);
    memcpy(b, r->model_arns, n * sizeof *b);
    qsort(a, n, sizeof *a, strcmp_ptr);
    qsort(b, n, sizeof *b, strcmp_ptr);
    bool same = true;
    for (size_t i = 0; i < n && same; i++)
        same = strcmp(a[i], b[i]) == 0;
    free(a);
    free(b);
    return same;
}

static int set_source_models(onboard_result *r, char *const *arns, size_t n, cc_err *err)
{
    r->model_arns = calloc(n ? n : 1, sizeof *r->model_arns);
    r->regions = calloc(n ? n : 1, sizeof *r->regions);
    if (!r->model_arns || !r->regions)
        return cc_err_oom(err);
    for (size_t i = 0; i < n; i++) {
        if (!(r->model_arns[r->n_model_arns++] = strdup(arns[i])))
            return cc_err_oom(err);
        arn_parts p;
        if (arn_parse(arns[i], "model ARN", &p, err) == 0) {
            bool seen = false;
            for (size_t k = 0; k < r->n_regions; k++)
                seen = seen || strcmp(r->regions[k], p.region) == 0;
            if (!seen && !(r->regions[r->n_regions++] = strdup(p.region)))
                return cc_err_oom(err);
        }
        const char *fm = arn_foundation_model_id(arns[i]);
        if (fm && !r->base_model_id && !(r->base_model_id = strdup(fm)))
            return cc_err_oom(err);
    }
    if (!r->base_model_id) {
        cc_err_set(err, CC_EINPUT, "model.source", "the source profile %s lists no foundation model", r->copy_from);
        cc_err_hint(err, "pick another base model with --model");
        return CC_EINPUT;
    }
    return 0;
}

int onboard_check_residency(const onboard_spec *s, const onboard_result *r, cc_err *err)
{
    if (!cJSON_IsArray(s->allowed_regions))
        return 0;
    char outside[512] = "";
    size_t n = 0;
    for (size_t i = 0; i < r->n_regions; i++) {
        bool ok = false;
        const cJSON *a;
        cJSON_ArrayForEach(a, s->allowed_regions) ok = ok || (cJSON_IsString(a) && strcmp(a->valuestring, r->regions[i]) == 0);
        if (!ok) {
            int w = snprintf(outside + n, sizeof outside - n, "%s%s", n ? ", " : "", r->regions[i]);
            if (w > 0 && (size_t)w < sizeof outside - n)
                n += (size_t)w;
        }
    }
    if (!n)
        return 0;
    cc_err_set(err, CC_EINPUT, "residency",
               "base model %s routes requests to %s, outside allowed_regions; nothing was created", s->model, outside);
    cc_err_hint(err, "pick a base model whose geography stays inside allowed_regions (for example a single-region "
                     "foundation-model id), or ask your admin to extend allowed_regions");
    return CC_EINPUT;
}

/* A source lookup that found nothing most often means a typo in --model or
 * a geography prefix that does not match the region. */
static void hint_unknown_model(cc_err *err, const char *model, const char *region)
{
    if (bedrock_err_is(err, "ResourceNotFoundException") || bedrock_err_is(err, "ValidationException"))
        cc_err_hint(err, "base model '%s' is not a system-defined inference profile in %s; check --model and --region",
                    model, region);
}

/* The source: a system profile's model ARNs come from GetInferenceProfile;
 * a foundation model is its own single model. */
static int load_source(awsclient *c, const onboard_spec *s, const char *region, onboard_result *r,
                       const bedrock_inference_profile *prefetched, cc_err *err)
{
    int rc = arn_model_source(s->model, region, r->account, r->copy_from, sizeof r->copy_from, err);
    if (rc)
        return rc;
    if (!arn_is_system_profile_id(s->model)) {
        char *one = r->copy_from;
        return set_source_models(r, &one, 1, err);
    }
    if (prefetched)
        return set_source_models(r, prefetched->model_arns, prefetched->n_models, err);
    bedrock_inference_profile src;
    memset(&src, 0, sizeof src);
    rc = bedrock_get_inference_profile(c, s->model, &src, err);
    r->round_trips++;
    if (rc) {
        hint_unknown_model(err, s->model, region);
        return rc;
    }
    rc = set_source_models(r, src.model_arns, src.n_models, err);
    bedrock_profile_free(&src);
    return rc;
}

static int report_conflict(const onboard_result *r, const char *arn, const bedrock_tags *tags, bool model_ok,
                           bool fix_tags, cc_err *err)
{
    char diff[768];
    describe_tag_diff(r, tags, diff, sizeof diff);
    if (!model_ok) {
        cc_err_set(err, CC_ECONFLICT, "profile.conflict",
                   "profile %s (%s) already exists but copies another model than %s%s%s", r->name, arn, r->copy_from,
                   diff[0] ? "; tags: " : "", diff);
        cc_err_hint(err, "choose another name with --profile-name, or ask an admin to delete %s", arn);
    } else {
        cc_err_set(err, CC_ECONFLICT, "profile.conflict", "profile %s (%s) already exists with other tags: %s",
                   r->name, arn, diff);
        cc_err_hint(err, fix_tags ? "retagging needs bedrock:TagResource permission" :
                                    "run again with --fix-tags to retag it, or choose another --profile-name");
    }
    return CC_ECONFLICT;
}

/* The member tag value r expects, or NULL when r carries none. */
static const char *expected_member_tag(const onboard_spec *s, const onboard_result *r, const char **key)
{
    *key = r->member_tag_key ? r->member_tag_key : s && s->tag_key_member ? s->tag_key_member : "MemberName";
    for (size_t i = 0; i < r->n_tags; i++)
        if (strcmp(r->tags[i].key, *key) == 0)
            return r->tags[i].value;
    return NULL;
}

/* A profile named like yours but tagged for another identity: two people
 * must never share one profile, so neither --fix-tags nor a find. */
static int report_other_member(const onboard_spec *s, const onboard_result *r, const char *arn, const char *key,
                               const char *theirs, const char *mine, cc_err *err)
{
    identity_member_rule rule = IDENTITY_RULE_FULL;
    if (s)
        identity_member_rule_parse(s->member_rule, &rule, NULL);
    cc_err_set(err, CC_ECONFLICT, "profile.other_member",
               "profile %s (%s) belongs to %s=%s, not to you (%s=%s); two identities map to this name", r->name, arn,
               key, theirs, key, mine);
    if (rule == IDENTITY_RULE_EMAIL_LOCAL_PART)
        cc_err_hint(err, "member_rule \"email-local-part\" gives '%s' and '%s' the same name: pass --profile-name "
                         "NAME for one of them, or drop member_rule from the org config",
                    theirs, mine);
    else
        cc_err_hint(err, "if that profile is really yours (made by an earlier clinecfg), ask an admin to retag it %s=%s; "
                         "else pass --profile-name NAME",
                    key, mine);
    return CC_ECONFLICT;
}

/* Under the `developer` policy a member may read only the tags of their own
 * profiles, so a denied ListTagsForResource on the profile named like yours
 * means it is someone else's: the same conflict as a foreign member tag, not
 * a failure of setup. */
static int report_unreadable_member(const onboard_spec *s, const onboard_result *r, const char *arn, cc_err *err)
{
    const char *key;
    const char *mine = expected_member_tag(s, r, &key);
    cc_err_clear(err);
    cc_err_set(err, CC_ECONFLICT, "profile.other_member",
               "profile %s (%s) is not yours: reading its tags is denied, and your permissions allow that only on "
               "profiles tagged %s=%s",
               r->name, arn, key, mine ? mine : "(your identity)");
    cc_err_hint(err, "pass --profile-name NAME, or ask an admin whose profile %s is", arn);
    return CC_ECONFLICT;
}

static bool is_access_denied(const cc_err *err)
{
    return bedrock_err_is(err, "AccessDeniedException");
}

/* Decides about a same-named (or tag-matched) profile. */
int onboard_judge(awsclient *c, const onboard_spec *s, onboard_result *r, const char *arn,
                          char *const *model_arns, size_t n_models, const bedrock_tags *tags, const cc_out *out,
                          cc_err *err)
{
    const char *member_key;
    const char *mine = expected_member_tag(s, r, &member_key);
    const char *theirs = bedrock_tags_get(tags, member_key);
    if (mine && theirs && strcmp(mine, theirs) != 0)
        return report_other_member(s, r, arn, member_key, theirs, mine, err);
    bool model_ok = models_match(r, model_arns, n_models);
    bool tag_ok = tags_match(r, tags);
    if (model_ok && tag_ok) {
        r->outcome = ONBOARD_FOUND;
        r->arn = strdup(arn);
        return r->arn ? 0 : cc_err_oom(err);
    }
    if (!model_ok || !s->fix_tags || s->no_create)
        return report_conflict(r, arn, tags, model_ok, s->fix_tags, err);
    out_progress(out, "Retagging %s", arn);
    int rc = bedrock_tag_resource(c, arn, r->tags, r->n_tags, err);
    r->round_trips++;
    if (rc)
        return rc;
    r->retagged = true;
    r->outcome = ONBOARD_FOUND;
    r->arn = strdup(arn);
    return r->arn ? 0 : cc_err_oom(err);
}

void onboard_backoff(long *delay_ms, long cap_ms)
{
    struct timespec ts = {*delay_ms / 1000, (*delay_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    *delay_ms = *delay_ms * 2 > cap_ms ? cap_ms : *delay_ms * 2;
}

static bool is_throttled(const bedrock_batch_item *it)
{
    return it->status == CC_EAWS && bedrock_err_is(&it->err, "ThrottlingException");
}

void onboard_batch_with_backoff(awsclient *c, bedrock_batch_item *items, size_t n, size_t concurrency,
                               const cc_out *out)
{
    cc_err berr;
    cc_err_clear(&berr);
    bedrock_batch(c, items, n, concurrency, &berr);
    long delay_ms = 1000;
    bedrock_batch_item *retry = calloc(n ? n : 1, sizeof *retry);
    size_t *where = calloc(n ? n : 1, sizeof *where);
    for (int round = 0; retry && where && round < ONBOARD_THROTTLE_ROUNDS; round++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (!is_throttled(&items[i]))
                continue;
            retry[k] = (bedrock_batch_item){.op = items[i].op, .arg = items[i].arg};
            where[k++] = i;
        }
        if (!k)
            break;
        out_trace(out, "%zu lookups were throttled; retrying them in %ld ms", k, delay_ms);
        onboard_backoff(&delay_ms, 16000);
        bedrock_batch(c, retry, k, concurrency, &berr);
        for (size_t j = 0; j < k; j++) {
            bedrock_batch_free(&items[where[j]], 1);
            items[where[j]] = retry[j];
        }
    }
    free(retry);
    free(where);
}

typedef struct candidate {
    char *arn;
    char *name;
    char **model_arns;
    size_t n_models;
} candidate;

static void candidates_free(candidate *cands, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(cands[i].arn);
        free(cands[i].name);
        for (size_t k = 0; k < cands[i].n_models; k++)
            free(cands[i].model_arns[k]);
        free(cands[i].model_arns);
    }
    free(cands);
}

static int candidate_add(candidate **cands, size_t *n, const bedrock_inference_profile *p, cc_err *err)
{
    candidate *grown = realloc(*cands, (*n + 1) * sizeof *grown);
    if (!grown)
        return cc_err_oom(err);
    *cands = grown;
    candidate *c = &grown[*n];
    memset(c, 0, sizeof *c);
    (*n)++; /* counted at once, so candidates_free frees what was copied */
    c->arn = strdup(p->arn);
    c->name = strdup(p->name);
    c->model_arns = calloc(p->n_models ? p->n_models : 1, sizeof *c->model_arns);
    if (!c->arn || !c->name || !c->model_arns)
        return cc_err_oom(err);
    for (size_t k = 0; k < p->n_models; k++)
        if (!(c->model_arns[c->n_models++] = strdup(p->model_arns[k])))
            return cc_err_oom(err);
    return 0;
}

/* Is this profile worth a tag lookup when no name matched?  Profiles that
 * copy the same model and whose name mentions the member: the template may
 * have changed since they were made.  Looking up every profile's tags would
 * cost one call per colleague. */
static bool is_tag_candidate(const onboard_result *r, const bedrock_inference_profile *p)
{
    if (!models_match(r, p->model_arns, p->n_models) || !p->name)
        return false;
    char lname[128];
    size_t i;
    for (i = 0; p->name[i] && i + 1 < sizeof lname; i++)
        lname[i] = (char)(p->name[i] >= 'A' && p->name[i] <= 'Z' ? p->name[i] + 32 : p->name[i]);
    lname[i] = '\0';
    /* The short form (e-mail local part, as earlier versions named profiles)
     * also finds a profile an admin retagged with the full identity. */
    char short_name[IDENTITY_NAME_MAX + 1];
    return r->member && identity_sanitize(r->member, IDENTITY_NAME_MAX, "member", short_name, sizeof short_name,
                                          NULL) == 0 &&
           strstr(lname, short_name) != NULL;
}

/* Lists application profiles page by page and stops at the expected name.
 * `first` (may be NULL) is the first page, already fetched; it is taken over. */
static int find_by_listing(awsclient *c, const onboard_spec *s, onboard_result *r, const cc_out *out,
                           bedrock_profile_page *first, bool *handled, cc_err *err)
{
    *handled = false;
    candidate *cands = NULL;
    size_t ncands = 0;
    char *token = NULL;
    int rc = 0;
    bedrock_inference_profile *match = NULL;
    bedrock_profile_page page;
    memset(&page, 0, sizeof page);
    for (;;) {
        if (first) {
            page = *first;
            memset(first, 0, sizeof *first);
            first = NULL;
        } else {
            bedrock_list_profiles_in in = {.type = "APPLICATION", .max_results = LIST_PAGE_SIZE, .next_token = token};
            rc = bedrock_list_inference_profiles(c, &in, &page, err);
            r->round_trips++;
        }
        r->list_pages++;
        free(token);
        token = NULL;
        if (rc)
            break;
        for (size_t i = 0; i < page.n && !match; i++) {
            if (page.items[i].name && strcmp(page.items[i].name, r->name) == 0)
                match = &page.items[i];
            else if (is_tag_candidate(r, &page.items[i]) && (rc = candidate_add(&cands, &ncands, &page.items[i], err)))
                break;
        }
        if (rc || match || !page.next_token)
            break;
        token = page.next_token;
        page.next_token = NULL;
        bedrock_profile_page_free(&page);
    }
    if (!rc && match) {
        out_trace(out, "found %s by name on list page %d", match->arn, r->list_pages);
        bedrock_tags tags;
        memset(&tags, 0, sizeof tags);
        rc = bedrock_list_tags_for_resource(c, match->arn, &tags, err);
        r->round_trips++;
        if (!rc)
            rc = onboard_judge(c, s, r, match->arn, match->model_arns, match->n_models, &tags, out, err);
        else if (is_access_denied(err))
            rc = report_unreadable_member(s, r, match->arn, err);
        bedrock_tags_free(&tags);
        *handled = true;
    } else if (!rc && ncands) {
        /* Tags decide for profiles named some other way. */
        bedrock_batch_item *items = calloc(ncands, sizeof *items);
        if (!items) {
            rc = cc_err_oom(err);
        } else {
            for (size_t i = 0; i < ncands; i++) {
                items[i].op = BEDROCK_OP_LIST_TAGS;
                items[i].arg = cands[i].arn;
            }
            onboard_batch_with_backoff(c, items, ncands, s->concurrency ? s->concurrency : 8, out);
            r->round_trips++;
            for (size_t i = 0; i < ncands && !*handled; i++) {
                if (items[i].status == 0 && tags_match(r, &items[i].out.tags)) {
                    out_progress(out, "Found your profile under another name by its tags: %s", cands[i].arn);
                    r->found_by_tags = true;
                    snprintf(r->name, sizeof r->name, "%s", cands[i].name);
                    r->outcome = ONBOARD_FOUND;
                    r->arn = strdup(cands[i].arn);
                    *handled = true;
                }
            }
            cc_err_clear(err);
            bedrock_batch_free(items, ncands);
            free(items);
        }
    }
    bedrock_profile_page_free(&page);
    candidates_free(cands, ncands);
    return rc;
}

int onboard_create(awsclient *c, const onboard_spec *s, onboard_result *r, const char *region,
                   const cc_out *out, cc_err *err)
{
    identity_request_token(r->account, region, r->name, r->copy_from, r->client_token);
    if (s->no_create) {
        r->outcome = ONBOARD_WOULD_CREATE;
        return 0;
    }
    char description[200];
    snprintf(description, sizeof description, "clinecfg profile %s", r->name);
    bedrock_create_profile_in in = {
        .name = r->name,
        .description = description,
        .copy_from = r->copy_from,
        .tags = r->tags,
        .n_tags = r->n_tags,
        .client_request_token = r->client_token,
    };
    out_progress(out, "Creating inference profile %s from %s", r->name, r->copy_from);
    char *arn = NULL;
    int rc = bedrock_create_inference_profile(c, &in, &arn, NULL, err);
    r->round_trips++;
    if (rc == CC_EDENIED) {
        out_progress(out, "You may not create inference profiles (%s)", err->message);
        r->outcome = ONBOARD_DENIED;
        cc_err_clear(err);
        return 0;
    }
    if (rc)
        return rc;
    r->arn = arn;
    r->outcome = ONBOARD_CREATED;
    return 0;
}

int onboard_run(awsclient *c, const onboard_spec *s, const cc_out *out, onboard_result *r, cc_err *err)
{
    memset(r, 0, sizeof *r);
    const char *region = awsclient_region(c);
    if (!s->model || !*s->model) {
        cc_err_set(err, CC_EINPUT, "config.model", "no base model is configured");
        cc_err_hint(err, "pass --model ID (e.g. apac.anthropic.claude-sonnet-4-5-20250929-v1:0) or run: clinecfg "
                         "config set model ID");
        return CC_EINPUT;
    }
    bool system_source = arn_is_system_profile_id(s->model);

    /* Round trip 1: who we are, the source profile and, when we remember
     * the profile, the profile and its tags - all at once. */
    bedrock_batch_item items[5];
    memset(items, 0, sizeof items);
    size_t n = 0, i_id = n++, i_src = 0, i_prof = 0, i_tags = 0, i_list = 0;
    items[i_id].op = BEDROCK_OP_CALLER_IDENTITY;
    if (system_source) {
        i_src = n++;
        items[i_src].op = BEDROCK_OP_GET_PROFILE;
        items[i_src].arg = s->model;
    }
    bool fast = s->cached_arn && arn_is_application_profile(s->cached_arn);
    if (fast) {
        i_prof = n++;
        items[i_prof].op = BEDROCK_OP_GET_PROFILE;
        items[i_prof].arg = s->cached_arn;
        i_tags = n++;
        items[i_tags].op = BEDROCK_OP_LIST_TAGS;
        items[i_tags].arg = s->cached_arn;
    } else {
        /* No remembered ARN: the first list page needs nothing from the others. */
        i_list = n++;
        items[i_list].op = BEDROCK_OP_LIST_APP_PROFILES;
    }
    bedrock_batch(c, items, n, n, err);
    r->round_trips++;
    cc_err_clear(err);
    int rc = items[i_id].status;
    if (rc) {
        *err = items[i_id].err;
        goto done;
    }
    snprintf(r->account, sizeof r->account, "%s", items[i_id].out.identity.account);
    r->caller_arn = strdup(items[i_id].out.identity.arn);
    if (!r->caller_arn) {
        rc = cc_err_oom(err);
        goto done;
    }
    if ((rc = resolve_member(s, r->caller_arn, r, out, err)))
        goto done;
    out_step_ok(out, "you are %s (member name '%s' from %s)", r->caller_arn, r->member, r->member_source);
    if ((rc = build_name_and_tags(s, region, r, err)))
        goto done;
    if (system_source && items[i_src].status) {
        rc = items[i_src].status;
        *err = items[i_src].err;
        hint_unknown_model(err, s->model, region);
        goto done;
    }
    if ((rc = load_source(c, s, region, r, system_source ? &items[i_src].out.profile : NULL, err)))
        goto done;
    if ((rc = onboard_check_residency(s, r, err)))
        goto done;

    if (fast && items[i_prof].status == 0 && items[i_tags].status == 0 &&
        strcmp(items[i_prof].out.profile.name ? items[i_prof].out.profile.name : "", r->name) == 0 &&
        (!s->cached_caller || strcmp(s->cached_caller, r->caller_arn) == 0) &&
        models_match(r, items[i_prof].out.profile.model_arns, items[i_prof].out.profile.n_models) &&
        tags_match(r, &items[i_tags].out.tags)) {
        out_trace(out, "remembered profile %s still matches", s->cached_arn);
        r->outcome = ONBOARD_FOUND;
        r->arn = strdup(s->cached_arn);
        rc = r->arn ? 0 : cc_err_oom(err);
        goto done;
    }
    if (fast)
        out_trace(out, "remembered profile %s no longer matches; searching", s->cached_arn);

    if (!fast && items[i_list].status) {
        rc = items[i_list].status;
        *err = items[i_list].err;
        goto done;
    }
    rc = find_or_create(c, s, r, out, fast ? NULL : &items[i_list].out.page, err);
done:
    bedrock_batch_free(items, n);
    return rc;
}

static int find_or_create(awsclient *c, const onboard_spec *s, onboard_result *r, const cc_out *out,
                          bedrock_profile_page *first, cc_err *err)
{
    bool handled = false;
    int rc = find_by_listing(c, s, r, out, first, &handled, err);
    if (rc || handled)
        return rc;
    rc = onboard_create(c, s, r, awsclient_region(c), out, err);
    if (rc == CC_ECONFLICT && bedrock_err_is(err, "ConflictException")) {
        cc_err_clear(err);
        rc = find_by_listing(c, s, r, out, NULL, &handled, err);
        if (!rc && !handled)
            rc = cc_err_set(err, CC_ECONFLICT, "profile.conflict",
                            "Bedrock reports a conflict for profile %s, but it is not listed", r->name);
    }
    return rc;
}

int onboard_find_or_create(awsclient *c, const onboard_spec *s, onboard_result *r, const cc_out *out, cc_err *err)
{
    return find_or_create(c, s, r, out, NULL, err);
}

int onboard_load_source_arn(awsclient *c, onboard_result *r, cc_err *err)
{
    if (arn_foundation_model_id(r->copy_from)) {
        char *one = r->copy_from;
        return set_source_models(r, &one, 1, err);
    }
    bedrock_inference_profile src;
    memset(&src, 0, sizeof src);
    int rc = bedrock_get_inference_profile(c, r->copy_from, &src, err);
    r->round_trips++;
    if (!rc)
        rc = set_source_models(r, src.model_arns, src.n_models, err);
    bedrock_profile_free(&src);
    return rc;
}

int onboard_add_tag(onboard_result *r, const char *key, const char *value, cc_err *err)
{
    return add_tag(r, key, value, err);
}

/* The profile that appeared under r's name is yours only when its member
 * tag is your identity (or absent: an admin's own naming). */
static int confirm_member_tag(awsclient *c, onboard_result *r, cc_err *err)
{
    const char *key;
    const char *mine = expected_member_tag(NULL, r, &key);
    if (!mine)
        return 0;
    bedrock_tags tags;
    memset(&tags, 0, sizeof tags);
    int rc = bedrock_list_tags_for_resource(c, r->arn, &tags, err);
    const char *theirs = rc ? NULL : bedrock_tags_get(&tags, key);
    if (theirs && strcmp(theirs, mine) != 0)
        rc = report_other_member(NULL, r, r->arn, key, theirs, mine, err);
    else if (rc && is_access_denied(err))
        rc = report_unreadable_member(NULL, r, r->arn, err);
    bedrock_tags_free(&tags);
    return rc;
}

int onboard_poll_once(awsclient *c, onboard_result *r, bool *found, cc_err *err)
{
    *found = false;
    char *token = NULL;
    int rc;
    bedrock_profile_page page;
    memset(&page, 0, sizeof page);
    for (;;) {
        bedrock_list_profiles_in in = {.type = "APPLICATION", .max_results = LIST_PAGE_SIZE, .next_token = token};
        rc = bedrock_list_inference_profiles(c, &in, &page, err);
        free(token);
        token = NULL;
        if (rc)
            break;
        for (size_t i = 0; i < page.n && !*found; i++) {
            if (page.items[i].name && strcmp(page.items[i].name, r->name) == 0) {
                *found = true;
                free(r->arn);
                r->arn = strdup(page.items[i].arn);
            }
        }
        if (*found || !page.next_token)
            break;
        token = page.next_token;
        page.next_token = NULL;
        bedrock_profile_page_free(&page);
    }
    bedrock_profile_page_free(&page);
    if (!rc && *found && (rc = confirm_member_tag(c, r, err))) {
        *found = false;
        free(r->arn);
        r->arn = NULL;
    }
    return rc;
}

/* One shell word made of up to two key/value pairs ("key=K,value=V"),
 * quoted as a whole. */
static void append_joined_word(strbuf *b, const char *k1, const char *v1, const char *k2, const char *v2)
{
    strbuf w = {0};
    strbuf_puts(&w, k1);
    strbuf_puts(&w, v1);
    if (k2) {
        strbuf_puts(&w, k2);
        strbuf_puts(&w, v2);
    }
    if (w.oom)
        b->oom = true;
    else
        shquote_append(b, w.p);
    strbuf_release(&w);
}

cJSON *onboard_request_json(const onboard_result *r, const char *region)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "version", 1);
    cJSON_AddStringToObject(o, "name", r->name);
    cJSON *tags = cJSON_AddObjectToObject(o, "tags");
    for (size_t i = 0; i < r->n_tags; i++)
        cJSON_AddStringToObject(tags, r->tags[i].key, r->tags[i].value);
    cJSON_AddStringToObject(o, "source_arn", r->copy_from);
    cJSON_AddStringToObject(o, "base_model_id", r->base_model_id ? r->base_model_id : "");
    cJSON_AddStringToObject(o, "account", r->account);
    cJSON_AddStringToObject(o, "region", region);
    cJSON_AddStringToObject(o, "member", r->member ? r->member : "");
    cJSON_AddStringToObject(o, "requester_arn", r->caller_arn ? r->caller_arn : "");
    cJSON_AddStringToObject(o, "client_request_token", r->client_token);
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(o, "requested_at", when);
    /* The equivalent AWS CLI call, for admins who prefer it; every word
     * quoted, since the team and the name come from the developer. */
    strbuf cli = {0};
    strbuf_puts(&cli, "aws bedrock create-inference-profile --region ");
    shquote_append(&cli, region);
    strbuf_puts(&cli, " --inference-profile-name ");
    shquote_append(&cli, r->name);
    strbuf_puts(&cli, " --model-source ");
    append_joined_word(&cli, "copyFrom=", r->copy_from, NULL, NULL);
    strbuf_puts(&cli, " --client-request-token ");
    shquote_append(&cli, r->client_token);
    strbuf_puts(&cli, " --tags");
    for (size_t i = 0; i < r->n_tags; i++) {
        strbuf_puts(&cli, " ");
        append_joined_word(&cli, "key=", r->tags[i].key, ",value=", r->tags[i].value);
    }
    if (cli.oom) {
        strbuf_release(&cli);
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddStringToObject(o, "aws_cli", cli.p);
    strbuf_release(&cli);
    return o;
}

int onboard_request_set_admin_command(cJSON *request, const char *dir)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(request, "name");
    strbuf path = {0}, cmd = {0};
    strbuf_puts(&path, dir);
    strbuf_puts(&path, "/");
    strbuf_puts(&path, cJSON_IsString(name) ? name->valuestring : "request");
    strbuf_puts(&path, ".json");
    strbuf_puts(&cmd, "clinecfg admin provision --request ");
    if (!path.oom)
        shquote_append(&cmd, path.p);
    int rc = path.oom || cmd.oom ? CC_EINTERNAL : 0;
    if (!rc) {
        cJSON_DeleteItemFromObjectCaseSensitive(request, "admin_command");
        rc = cJSON_AddStringToObject(request, "admin_command", cmd.p) ? 0 : CC_EINTERNAL;
    }
    strbuf_release(&path);
    strbuf_release(&cmd);
    return rc;
}

int onboard_write_request(const cJSON *request, const char *dir, char **path_out, cc_err *err)
{
    *path_out = NULL;
    if (safefile_make_dirs(dir, err)) {
        cc_err_hint(err, "set request.dir in the config to a writable folder");
        return CC_EINPUT;
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(request, "name");
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.json", dir, cJSON_IsString(name) ? name->valuestring : "request");
    char *text = cJSON_Print(request);
    size_t len = text ? strlen(text) : 0;
    char *line = text ? realloc(text, len + 2) : NULL;
    if (!line) {
        free(text);
        return cc_err_oom(err);
    }
    line[len++] = '\n';
    line[len] = '\0';
    int rc = safefile_write_atomic(path, line, len, 0600, err);
    free(line);
    if (rc)
        return rc;
    *path_out = strdup(path);
    return *path_out ? 0 : cc_err_oom(err);
}

/* A webhook URL split, with libcurl's parser, into what the HTTP layer takes
 * (strings libcurl allocated). */
typedef struct webhook_url {
    char *base;  /* scheme://authority, user info kept so the HTTP layer refuses it as for any endpoint */
    char *path;  /* "/" when the URL has none */
    char *query; /* without '?', NULL when none */
} webhook_url;

static void webhook_url_free(webhook_url *w)
{
    curl_free(w->base);
    curl_free(w->path);
    curl_free(w->query);
    memset(w, 0, sizeof *w);
}

static int split_webhook_url(const char *url, webhook_url *w, cc_err *err)
{
    memset(w, 0, sizeof *w);
    int rc = curl_dl_load(err);
    if (rc)
        return rc;
    CURLU *u = curl_url();
    if (!u)
        return cc_err_oom(err);
    /* Any scheme parses; the HTTP layer says which ones it takes. */
    CURLUcode uc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
    if (uc == CURLUE_OK)
        uc = curl_url_get(u, CURLUPART_PATH, &w->path, 0);
    if (uc == CURLUE_OK) {
        uc = curl_url_get(u, CURLUPART_QUERY, &w->query, 0);
        if (uc == CURLUE_NO_QUERY)
            uc = CURLUE_OK;
    }
    /* What is left without path, query and fragment is the base. */
    if (uc == CURLUE_OK)
        uc = curl_url_set(u, CURLUPART_PATH, NULL, 0);
    if (uc == CURLUE_OK)
        uc = curl_url_set(u, CURLUPART_QUERY, NULL, 0);
    if (uc == CURLUE_OK)
        uc = curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    if (uc == CURLUE_OK)
        uc = curl_url_get(u, CURLUPART_URL, &w->base, 0);
    curl_url_cleanup(u);
    if (uc == CURLUE_OUT_OF_MEMORY) {
        webhook_url_free(w);
        return cc_err_oom(err);
    }
    if (uc != CURLUE_OK) {
        webhook_url_free(w);
        return cc_err_set(err, CC_EINPUT, "request.webhook_url", "webhook URL '%s' is not a URL", url);
    }
    size_t n = strlen(w->base);
    if (n && w->base[n - 1] == '/')
        w->base[n - 1] = '\0'; /* the empty path libcurl puts back */
    return 0;
}

int onboard_post_webhook(awsclient *c, const char *url, const cJSON *request, cc_err *err)
{
    webhook_url w;
    int rc = split_webhook_url(url, &w, err);
    if (rc)
        return rc;
    char *body = cJSON_PrintUnformatted(request);
    if (!body) {
        webhook_url_free(&w);
        return cc_err_oom(err);
    }
    aws_request req = {
        .method = "POST",
        .url_base = w.base,
        .path = w.path,
        .query = w.query,
        .content_type = "application/json",
        .body = body,
        .body_len = strlen(body),
        .service = "webhook",
        .region = awsclient_region(c),
        .operation = "webhook:PostRequest",
    };
    aws_response resp;
    memset(&resp, 0, sizeof resp);
    rc = http_aws_call(awsclient_http(c), &req, &resp, err);
    if (!rc && (resp.status < 200 || resp.status >= 300))
        rc = cc_err_set(err, CC_EAWS, "webhook", "the request webhook %s answered HTTP %ld", url, resp.status);
    aws_response_free(&resp);
    free(body);
    webhook_url_free(&w);
    return rc;
}
