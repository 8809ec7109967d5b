/*
** main.c: the houqin command line. The only place that may exit.
** Exit codes: 0 ok, 1 failure, 2 usage.
*/
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/files.h"
#include "core/log.h"
#include "core/parse.h"
#include "db/db.h"
#include "http/server.h"
#include "http/session.h"
#include "jobs.h"
#include "modules/org/org.h"
#include "modules.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#ifndef HOUQIN_VERSION
#define HOUQIN_VERSION "dev"
#endif

#define DEFAULT_DB "data/houqin.db"
#define DEFAULT_WEB "web/dist"
#define GEN_MODULES_MAX 64

struct opts {
	const char *db, *data, *listen, *web, *name, *dept, *roles, *password, *agency;
	const char *months, *seed, *agencies;	/* gen */
	const char *gen_n[GEN_MODULES_MAX];	/* gen: --<flag> N per module, by list position */
	const char *login_limit;		/* serve */
	const char *trusted_proxy;		/* serve: the reverse proxy whose X-Real-IP counts */
	const char *job_interval;		/* serve, hidden: seconds between job rounds (tests) */
	const char *audit_key, *audit_anchor;	/* --audit-key, --audit-anchor */
	int audit_syslog;			/* --audit-syslog */
	int threads, demo, port;
	int secure_cookies;	/* serve --secure-cookies */
	int argc;		/* positional arguments left */
	char **argv;
	char shown[512];	/* --db as printed: a URI's password masked */
};

/* --db for messages and logs: a PostgreSQL URI's password becomes ***. */
static void
mask_password(const char *db, char *out, size_t size)
{
	const char *user = strstr(db, "://"), *at, *colon;

	snprintf(out, size, "%s", db);
	if (!db_is_pg_uri(db) || !user)
		return;
	user += 3;
	at = strchr(user, '@');
	colon = strchr(user, ':');
	if (!at || !colon || colon > at || (strchr(user, '/') && strchr(user, '/') < at))
		return;
	snprintf(out, size, "%.*s***%s", (int)(colon + 1 - db), db, at);
}

static const char usage_main[] =
	"usage: houqin <command> [options]\n"
	"\n"
	"commands:\n"
	"  init [--demo] [--agency NAME]   create the database (demo data with --demo)\n"
	"  serve [--listen ADDR:PORT] [--db FILE] [--data DIR] [--threads N] [--web DIR]\n"
	"        [--secure-cookies]        (served over HTTPS: the session cookie is Secure)\n"
	"  migrate                         apply pending schema migrations, then give every\n"
	"                                  agency the module defaults it lacks (serve too)\n"
	"  user add|passwd|roles|lock|unlock USERNAME ...   manage accounts\n"
	"  audit verify|checkpoint         check the audit chain / anchor its head now\n"
	"  backup FILE                     online copy of the database (safe while serving)\n"
	"  gen [--users N] [--workorders N] generate a realistic dataset (benchmarks)\n"
	"  version                         print the version\n"
	"\n"
	"common options: --db FILE|URI: an SQLite file (default " DEFAULT_DB ") or a\n"
	"  PostgreSQL URI, postgresql://user:password@host:port/dbname (bare postgresql://\n"
	"  takes the PG* environment variables; docs/database.md)\n"
	"  --audit-key FILE (or $HOUQIN_AUDIT_KEY; default audit.key beside the database\n"
	"  file, or in --data DIR when --db is a URI), --audit-anchor FILE (default\n"
	"  audit-checkpoints.log beside the key), --audit-syslog (checkpoints to syslog too)\n"
	"run 'houqin <command> --help' for details.\n";

static const char usage_init[] =
	"usage: houqin init [--db FILE] [--demo] [--agency NAME]\n"
	"  Creates the database and applies migrations. With --demo, seeds the demo\n"
	"  agency and users (password " DEMO_PASSWORD "); otherwise creates agency NAME\n"
	"  and a first sysadmin 'admin' whose password is printed once.\n";
static const char usage_serve[] =
	"usage: houqin serve [--listen ADDR:PORT] [--db FILE] [--data DIR] [--threads N]\n"
	"                    [--web DIR] [--demo-banner] [--login-limit N] [--secure-cookies]\n"
	"                    [--trusted-proxy ADDR]\n"
	"  Serves the API and the web UI (default 127.0.0.1:8080, web/dist).\n"
	"  --threads: request threads, each with its own database reader (default: one per core).\n"
	"  --login-limit: failed logins per client IP in 10 minutes before 429 (default 20, 0 off).\n"
	"  --secure-cookies: mark the session cookie Secure (browsers send it over HTTPS only);\n"
	"    use it when served over HTTPS, e.g. behind a TLS proxy. Also HOUQIN_SECURE_COOKIES=1.\n"
	"  --trusted-proxy ADDR: requests from ADDR (your nginx, e.g. 127.0.0.1) come from their\n"
	"    X-Real-IP header: login throttling and the audit log then see the real client.\n"
	"  SIGTERM/SIGINT finish in-flight requests and exit 0.\n";
static const char usage_migrate[] = "usage: houqin migrate [--db FILE]\n";
static const char usage_user[] =
	"usage: houqin user add USERNAME --name NAME --dept DEPT_ID [--roles a,b] [--password P]\n"
	"       houqin user passwd USERNAME [--password P]\n"
	"       houqin user roles USERNAME ROLE[,ROLE...]\n"
	"       houqin user lock|unlock USERNAME\n"
	"  [--db FILE] on each. Without --password a random one is printed once.\n"
	"  roles: staff dept_head office worker leader finance supervisor sysadmin secadmin auditor\n";
static const char usage_backup[] = "usage: houqin backup FILE [--db FILE]\n";
static const char usage_audit[] =
	"usage: houqin audit verify|checkpoint [--db FILE] [--audit-key FILE] [--audit-anchor FILE]\n"
	"                                      [--audit-syslog]\n"
	"  verify: walks every chain (one per agency, and the legacy one from before 0023)\n"
	"  with the audit key (legacy rows before the audit_keyed record the old unkeyed\n"
	"  way) and checks the anchor file's signed checkpoints; names the first bad row\n"
	"  and exits 1 on an edited, missing or misplaced row, rows re-hashed without the\n"
	"  key, a chain truncated behind a checkpoint, or a bad line.\n"
	"  checkpoint: signs every chain's head (and the time) and appends it to the anchor file\n"
	"  (serve does so daily).\n"
	"  The key file (mode 0600) is made by init, or by serve/migrate on a database\n"
	"  without one; afterwards a missing key is an error, never an unkeyed chain.\n"
	"  Keep it and the anchor file off the database's disk/backups (chattr +a the log).\n";
static const char usage_gen[] =
	"usage: houqin gen [--users N] [--workorders N] [--months M] [--seed S] [--db FILE]\n"
	"                  [--password P] [--agencies A]\n"
	"  Adds N staff users (logins gen000001..., password P, default " DEMO_PASSWORD ")\n"
	"  spread over the departments, then N work orders with their timelines and\n"
	"  ratings, created over the last M months (default 36), straight through the\n"
	"  storage layer. A database that does not exist yet is first created with the\n"
	"  demo agency, users, locations, teams and categories (as init --demo).\n"
	"  --agencies A (default 1): the same for each of A agencies: the demo agency\n"
	"  and A-1 more made like it where missing (示例市人民检察院 a002, logins\n"
	"  a002-office, a002-worker1, ...); the counts are per agency.\n";

static int
usage(const char *text, int code)
{
	fputs(text, code ? stderr : stdout);
	return code;
}

/* --<flag> N of a module's generator (struct module_gen): 0 when a is one. */
static int
gen_flag(const char *a, const char *value, struct opts *o)
{
	for (size_t m = 0; m < GEN_MODULES_MAX && houqin_modules[m]; m++) {
		const struct module_gen *g = houqin_modules[m]->gen;
		if (g && strncmp(a, "--", 2) == 0 && strcmp(a + 2, g->flag) == 0) {
			o->gen_n[m] = value;
			return 0;
		}
	}
	return 2;
}

/* Parse --flag value options; positional args are compacted into o->argv. 0 ok, 2 usage, -1 help. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct {
		const char *flag;
		size_t off;
	} str_opts[] = {
		{ "--db", offsetof(struct opts, db) },
		{ "--data", offsetof(struct opts, data) },
		{ "--listen", offsetof(struct opts, listen) },
		{ "--web", offsetof(struct opts, web) },
		{ "--name", offsetof(struct opts, name) },
		{ "--dept", offsetof(struct opts, dept) },
		{ "--roles", offsetof(struct opts, roles) },
		{ "--password", offsetof(struct opts, password) },
		{ "--agency", offsetof(struct opts, agency) },
		{ "--months", offsetof(struct opts, months) },
		{ "--seed", offsetof(struct opts, seed) },
		{ "--agencies", offsetof(struct opts, agencies) },
		{ "--login-limit", offsetof(struct opts, login_limit) },
		{ "--trusted-proxy", offsetof(struct opts, trusted_proxy) },
		{ "--job-interval", offsetof(struct opts, job_interval) },
		{ "--audit-key", offsetof(struct opts, audit_key) },
		{ "--audit-anchor", offsetof(struct opts, audit_anchor) },
		{ "--threads", (size_t)-1 },
	};
	int64_t n;

	o->argc = 0;
	o->argv = argv;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int matched = 0;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return -1;
		if (strcmp(a, "--demo") == 0 || strcmp(a, "--demo-banner") == 0) {
			o->demo = 1;
			continue;
		}
		if (strcmp(a, "--secure-cookies") == 0) {
			o->secure_cookies = 1;
			continue;
		}
		if (strcmp(a, "--audit-syslog") == 0) {
			o->audit_syslog = 1;
			continue;
		}
		for (size_t k = 0; k < sizeof(str_opts) / sizeof(str_opts[0]); k++) {
			if (strcmp(a, str_opts[k].flag) != 0)
				continue;
			if (i + 1 >= argc)
				return 2;
			matched = 1;
			if (str_opts[k].off == (size_t)-1) {
				if (parse_i64(argv[++i], 1, 256, &n))
					return 2;
				o->threads = (int)n;
			} else {
				*(const char **)((char *)o + str_opts[k].off) = argv[++i];
			}
		}
		if (!matched && a[0] == '-') {
			if (i + 1 >= argc || gen_flag(a, argv[i + 1], o))
				return 2;
			i++;
			continue;
		}
		if (!matched)
			o->argv[o->argc++] = argv[i];
	}
	if (!o->db)
		o->db = DEFAULT_DB;
	mask_password(o->db, o->shown, sizeof(o->shown));
	return 0;
}

static void
die_err(const char *what, const struct err *e)
{
	fprintf(stderr, "houqin: %s: %s", what, e->msg);
	for (int i = 0; i < e->nfields; i++)
		fprintf(stderr, " [%s: %s]", e->fields[i].name, e->fields[i].msg);
	fputc('\n', stderr);
}

/*
** Whether the database holds Houqin already: the file exists (SQLite), or the
** PostgreSQL database has a schema version. A server that cannot be reached
** counts as holding it, so nothing then treats it as new.
*/
static int
db_exists(const char *path)
{
	struct db *db = NULL;
	struct err e = { 0 };
	int64_t version = 1;

	if (!db_is_pg_uri(path))
		return access(path, F_OK) == 0;
	if (!db_open(path, 0, &db, &e))
		db_schema_version(db, &version, &e);
	db_close(db);
	return version > 0;
}

/* Undo a database this command created and could not finish (a file only). */
static void
discard_new(const char *path)
{
	if (db_is_pg_uri(path))
		fprintf(stderr, "houqin: the PostgreSQL database is left as it is: drop and "
				"create it again before retrying\n");
	else
		unlink(path);
}

static int
open_migrated(const struct opts *o, int create, struct db **db)
{
	struct err e = { 0 };
	int applied = 0;

	if (!create && !db_is_pg_uri(o->db) && access(o->db, F_OK) != 0) {
		fprintf(stderr, "houqin: %s does not exist: run 'houqin init' first\n", o->shown);
		return 1;
	}
	if (db_open(o->db, DB_CREATE, db, &e) || db_migrate(*db, &applied, &e)) {
		die_err("cannot open database", &e);
		db_close(*db);
		*db = NULL;
		return 1;
	}
	if (applied)
		fprintf(stderr, "houqin: applied %d migration(s) to %s\n", applied, o->shown);
	return 0;
}

static void
ensure_parent_dir(const char *path)
{
	char dir[1024];
	char *slash;

	if (db_is_pg_uri(path))
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0750);
	}
}

static void
random_password(char out[24])
{
	char hex[65];

	auth_random_token(hex);
	/* hex is lower+digits; the fixed tail adds upper case and a symbol for the policy */
	snprintf(out, 24, "%.16s-Hq", hex);
}

struct cli_tx {
	int (*fn)(struct db *, struct arena *, const struct opts *, struct err *);
	const struct opts *o;
	struct arena *a;
};

static int
cli_tx_body(struct db *db, void *arg, struct err *e)
{
	const struct cli_tx *t = arg;

	return t->fn(db, t->a, t->o, e);
}

/* Run fn inside one write transaction on db, with a scratch arena. */
static int
in_tx(struct db *db, int (*fn)(struct db *, struct arena *, const struct opts *, struct err *),
      const struct opts *o, struct err *e)
{
	struct cli_tx t = { fn, o, arena_new(16384) };
	int rc = t.a ? db_write_tx(db, cli_tx_body, &t, e)
		     : err_set(e, ERR_NOMEM, NULL, "out of memory");

	arena_free(t.a);
	return rc;
}

/* ---------- the audit key and anchor (core/audit.h) ---------- */

#define AUDIT_KEY_FILE "audit.key"
#define AUDIT_ANCHOR_FILE "audit-checkpoints.log"
#define AUDIT_PATH_MAX 1024

enum { AUDIT_REQUIRE, AUDIT_MAY_CREATE };

/*
** --audit-key, else $HOUQIN_AUDIT_KEY, else audit.key in the database file's
** directory; a --db URI (PostgreSQL, later) has no directory, so --data's.
** The anchor: --audit-anchor, else audit-checkpoints.log beside the key.
*/
static void
audit_paths(const struct opts *o, char key[AUDIT_PATH_MAX], char anchor[AUDIT_PATH_MAX])
{
	const char *env = getenv("HOUQIN_AUDIT_KEY"), *slash = strrchr(o->db, '/');
	char dir[AUDIT_PATH_MAX - 32];	/* room for the file name */

	if (strstr(o->db, "://")) {
		snprintf(dir, sizeof(dir), "%s", o->data ? o->data : "data");
		mkdir(dir, 0750);	/* a file database's directory exists; this one may not */
	}
	else if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - o->db), o->db);
	else
		snprintf(dir, sizeof(dir), ".");
	if (o->audit_key || (env && *env))
		snprintf(key, AUDIT_PATH_MAX, "%s", o->audit_key ? o->audit_key : env);
	else
		snprintf(key, AUDIT_PATH_MAX, "%s/" AUDIT_KEY_FILE, dir[0] ? dir : "/");
	slash = strrchr(key, '/');
	if (o->audit_anchor)
		snprintf(anchor, AUDIT_PATH_MAX, "%s", o->audit_anchor);
	else if (slash)
		snprintf(anchor, AUDIT_PATH_MAX, "%.*s/" AUDIT_ANCHOR_FILE, (int)(slash - key), key);
	else
		snprintf(anchor, AUDIT_PATH_MAX, AUDIT_ANCHOR_FILE);
}

static int
audit_mark_tx(struct db *db, struct arena *a, const struct opts *o, struct err *e)
{
	int added = 0;

	(void)a;
	(void)o;
	if (aud_key_mark(db, &added, e))
		return e->code;
	if (added)
		fprintf(stderr, "houqin: the audit chain is keyed from its newest record on\n");
	return 0;
}

/*
** Load the audit key before anything writes. A chain that already holds its
** audit_keyed record needs its key: missing is an error, never a new key. A
** chain without one (new, or made before keys) gets a key when may_create.
*/
static int
audit_setup(const struct opts *o, struct db *db, int may_create)
{
	char key[AUDIT_PATH_MAX], anchor[AUDIT_PATH_MAX];
	struct err e = { 0 };
	int keyed = 0, created = 0;

	audit_paths(o, key, anchor);
	aud_anchor_set(anchor, o->audit_syslog);
	if (o->audit_syslog)
		openlog("houqin", LOG_PID, LOG_AUTHPRIV);
	if (aud_chain_keyed(db, &keyed, &e)) {
		die_err("cannot read the audit chain", &e);
		return 1;
	}
	if (aud_key_load(key, may_create && !keyed, &created, &e)) {
		die_err(keyed ? "the audit chain is keyed but its key cannot be loaded" :
				"no audit key (run 'houqin migrate' to create one)", &e);
		return 1;
	}
	if (created)
		fprintf(stderr, "houqin: created the audit key %s (mode 0600; keep it safe)\n", key);
	if (!keyed && may_create && in_tx(db, audit_mark_tx, o, &e)) {
		die_err("cannot key the audit chain", &e);
		return 1;
	}
	return 0;
}

/*
** After the migrations and the audit key: the defaults each existing agency
** lacks (approval rules of a newer module's kinds, ...), module.h.
*/
static int
upgrade_agencies(const struct opts *o, struct db *db)
{
	struct err e = { 0 };
	int added = 0;

	if (modules_agency_upgrade(db, &added, &e)) {
		die_err("cannot add the agencies' missing defaults", &e);
		return 1;
	}
	if (added)
		fprintf(stderr, "houqin: added %d missing default(s) to the agencies of %s\n", added,
			o->shown);
	return 0;
}

static int
init_plain(struct db *db, struct arena *a, const struct opts *o, struct err *e)
{
	struct actor sys = { .ip = "cli", .username = "init" };
	struct dept root, office;
	struct user u;
	char pw[24];

	random_password(pw);
	if (org_agency_create(db, a, &sys, o->agency ? o->agency : "本单位", &root, e))
		return e->code;
	sys.agency_id = root.id;
	struct dept_in din = { .parent_id = root.id, .name = "办公室" };
	struct user_in uin = { .username = "admin", .display_name = "系统管理员",
			       .password = pw };
	if (org_dept_create(db, a, &sys, &din, &office, e))
		return e->code;
	uin.department_id = office.id;
	if (org_user_create(db, a, &sys, &uin, ROLE_SYSADMIN, &u, e))
		return e->code;
	printf("created agency %s with sysadmin 'admin', password (shown once): %s\n", root.name,
	       pw);
	printf("grant a secadmin with: houqin user add secadmin --name 安全管理员 --dept %lld "
	       "--roles secadmin\n", (long long)office.id);
	return 0;
}

static int
cmd_init(struct opts *o)
{
	struct db *db = NULL;
	struct err e = { 0 };
	int64_t version;
	int rc;

	ensure_parent_dir(o->db);
	if (db_exists(o->db)) {
		fprintf(stderr, "houqin: %s already exists; not touching it\n", o->shown);
		return 1;
	}
	if (open_migrated(o, 1, &db))
		return 1;
	if (audit_setup(o, db, AUDIT_MAY_CREATE)) {
		db_close(db);
		discard_new(o->db);
		return 1;
	}
	db_schema_version(db, &version, &e);
	rc = o->demo ? modules_demo_seed(db, "", &e) : in_tx(db, init_plain, o, &e);
	if (rc) {
		die_err("init failed", &e);
		db_close(db);
		discard_new(o->db);
		return 1;
	}
	printf("initialised %s (schema version %lld)\n", o->shown, (long long)version);
	if (o->demo)
		org_demo_print_logins(stdout);
	db_close(db);
	return 0;
}

static int
cmd_migrate(struct opts *o)
{
	struct db *db = NULL;
	struct err e = { 0 };
	int64_t version = 0;

	if (open_migrated(o, 0, &db))
		return 1;
	if (audit_setup(o, db, AUDIT_MAY_CREATE) || upgrade_agencies(o, db)) {
		db_close(db);
		return 1;
	}
	db_schema_version(db, &version, &e);
	printf("%s is at schema version %lld\n", o->shown, (long long)version);
	db_close(db);
	return 0;
}

static int
parse_listen(const char *s, char *addr, size_t size, uint16_t *port)
{
	const char *colon = s ? strrchr(s, ':') : NULL;
	int64_t p;

	if (!s) {
		snprintf(addr, size, "127.0.0.1");
		*port = 8080;
		return 0;
	}
	if (!colon || (size_t)(colon - s) >= size || parse_i64(colon + 1, 0, 65535, &p))
		return 2;
	memcpy(addr, s, (size_t)(colon - s));
	addr[colon - s] = '\0';
	*port = (uint16_t)p;
	return 0;
}

static int
cmd_serve(struct opts *o)
{
	struct server_config cfg = { 0 };
	struct db_pool *pool = NULL;
	struct server *srv = NULL;
	struct jobs *jobs = NULL;
	struct db *db = NULL;
	struct err e = { 0 };
	char addr[64];
	sigset_t sigs;
	int sig = 0;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int64_t job_interval = 0;

	if (parse_listen(o->listen, addr, sizeof(addr), &cfg.port))
		return usage(usage_serve, 2);
	if (o->login_limit) {
		int64_t limit;
		if (parse_i64(o->login_limit, 0, 1000000, &limit))
			return usage(usage_serve, 2);
		org_set_login_ip_limit((int)limit);
	}
	/* not in the usage text: only the multi-process tests need rounds faster than 60 s */
	if (!o->job_interval)
		o->job_interval = getenv("HOUQIN_JOB_INTERVAL_S");
	if (o->job_interval && parse_i64(o->job_interval, 1, 86400, &job_interval))
		return usage(usage_serve, 2);
	const char *secure_env = getenv("HOUQIN_SECURE_COOKIES");
	session_set_secure(o->secure_cookies || (secure_env && strcmp(secure_env, "1") == 0));
	if (open_migrated(o, 0, &db))
		return 1;
	if (audit_setup(o, db, AUDIT_MAY_CREATE) || upgrade_agencies(o, db)) {
		db_close(db);
		return 1;
	}
	db_close(db);
	if (files_init(o->data ? o->data : "data", &e)) {	/* attachments under <data>/files */
		die_err("cannot use the data directory", &e);
		return 1;
	}
	cfg.threads = o->threads ? o->threads : (int)(cores > 0 ? cores : 2);
	/* block before any thread starts so workers inherit the mask and sigwait gets them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (db_pool_new(o->db, cfg.threads, &pool, &e)) {
		die_err("cannot open database", &e);
		return 1;
	}
	cfg.addr = addr;
	cfg.pool = pool;
	cfg.routes = modules_routes();
	cfg.web_root = o->web ? o->web : DEFAULT_WEB;
	cfg.access_log = 1;
	cfg.trusted_proxy = o->trusted_proxy;
	if (server_start(&cfg, &srv, &e)) {
		die_err("cannot start server", &e);
		db_pool_free(pool);
		return 1;
	}
	jobs = jobs_start(pool, (int)job_interval);
	if (!jobs)
		fprintf(stderr, "houqin: cannot start background jobs; reminders are off\n");
	printf("Houqin %s serving on http://%s:%u/ (database %s, %d threads)\n", HOUQIN_VERSION,
	       addr, server_port(srv), o->shown, cfg.threads);
	if (o->demo)
		org_demo_print_logins(stdout);
	fflush(stdout);
	sigwait(&sigs, &sig);
	fprintf(stderr, "houqin: signal %d, finishing in-flight requests\n", sig);
	server_stop(srv);
	jobs_stop(jobs);
	db_pool_free(pool);
	return 0;
}

static int
user_find(struct db *db, struct arena *a, const char *name, struct user *u, struct actor *cli,
	  struct err *e)
{
	if (org_user_find(db, a, name, u, e))
		return e->code;
	memset(cli, 0, sizeof(*cli));
	cli->agency_id = u->agency_id;
	cli->ip = "cli";
	cli->username = "cli";
	return 0;
}

static int
user_add(struct db *db, struct arena *a, const struct opts *o, struct err *e)
{
	struct actor cli = { .ip = "cli", .username = "cli" };
	struct user_in in = { .username = o->argv[1], .display_name = o->name };
	struct user u;
	unsigned roles = ROLE_STAFF;
	char pw[24] = "";
	int64_t dept;

	if (!o->name || !o->dept || parse_i64(o->dept, 1, INT64_MAX, &dept))
		return err_set(e, ERR_INVALID, NULL, "--name and a numeric --dept are required");
	if (o->roles && role_parse_list(o->roles, &roles))
		return err_set(e, ERR_INVALID, "roles", "unknown role in %s", o->roles);
	if (!o->password)
		random_password(pw);
	in.password = o->password ? o->password : pw;
	in.department_id = dept;
	/* the CLI acts inside the department's own agency */
	if (org_dept_agency(db, dept, &cli.agency_id, e))
		return e->code;
	if (org_user_create(db, a, &cli, &in, roles, &u, e))
		return e->code;
	printf("created user %s (id %lld)", u.username, (long long)u.id);
	if (!o->password)
		printf(", password (shown once): %s", pw);
	putchar('\n');
	return 0;
}

static int
user_passwd(struct db *db, struct arena *a, const struct opts *o, struct err *e)
{
	struct actor cli;
	struct user u;
	char pw[24] = "";

	if (!o->password)
		random_password(pw);
	if (user_find(db, a, o->argv[1], &u, &cli, e) ||
	    org_user_set_password(db, &cli, u.id, o->password ? o->password : pw, e))
		return e->code;
	printf("password of %s changed", u.username);
	if (!o->password)
		printf(" to (shown once): %s", pw);
	putchar('\n');
	return 0;
}

static int
user_roles(struct db *db, struct arena *a, const struct opts *o, struct err *e)
{
	struct actor cli;
	struct user u, out;
	unsigned roles;

	if (o->argc < 3 || role_parse_list(o->argv[2], &roles))
		return err_set(e, ERR_INVALID, "roles", "give roles as a,b,c from the list in --help");
	if (user_find(db, a, o->argv[1], &u, &cli, e) ||
	    org_user_set_roles(db, a, &cli, u.id, roles, &out, e))
		return e->code;
	printf("roles of %s: %s\n", u.username, o->argv[2]);
	return 0;
}

static int
user_lock_common(struct db *db, struct arena *a, const struct opts *o, int lock, struct err *e)
{
	struct actor cli;
	struct user u;

	if (user_find(db, a, o->argv[1], &u, &cli, e) || org_user_lock(db, &cli, u.id, lock, e))
		return e->code;
	printf("%s %s\n", u.username, lock ? "locked" : "unlocked");
	return 0;
}

static int
user_lock(struct db *db, struct arena *a, const struct opts *o, struct err *e)
{
	return user_lock_common(db, a, o, 1, e);
}

static int
user_unlock(struct db *db, struct arena *a, const struct opts *o, struct err *e)
{
	return user_lock_common(db, a, o, 0, e);
}

static int
cmd_user(struct opts *o)
{
	static const struct {
		const char *name;
		int (*fn)(struct db *, struct arena *, const struct opts *, struct err *);
	} subs[] = {
		{ "add", user_add }, { "passwd", user_passwd }, { "roles", user_roles },
		{ "lock", user_lock }, { "unlock", user_unlock },
	};
	struct db *db = NULL;
	struct err e = { 0 };
	int rc = -1;

	if (o->argc < 2)
		return usage(usage_user, 2);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (strcmp(o->argv[0], subs[i].name) != 0)
			continue;
		if (open_migrated(o, 0, &db))
			return 1;
		if (audit_setup(o, db, AUDIT_REQUIRE)) {
			db_close(db);
			return 1;
		}
		rc = in_tx(db, subs[i].fn, o, &e);
		db_close(db);
		if (rc)
			die_err(subs[i].name, &e);
		return rc ? 1 : 0;
	}
	return usage(usage_user, 2);
}

static int
cmd_backup(struct opts *o)
{
	struct db *db = NULL;
	struct err e = { 0 };

	if (o->argc != 1)
		return usage(usage_backup, 2);
	if (db_is_pg_uri(o->db)) {
		fprintf(stderr, "houqin: a PostgreSQL database is backed up with pg_dump "
				"(e.g. pg_dump -Fc -f houqin.dump '%s'); see docs/deploy.md\n", o->shown);
		return 2;
	}
	if (access(o->argv[0], F_OK) == 0) {
		fprintf(stderr, "houqin: %s exists; refusing to overwrite\n", o->argv[0]);
		return 1;
	}
	if (open_migrated(o, 0, &db))
		return 1;
	if (db_backup(db, o->argv[0], &e)) {
		die_err("backup failed", &e);
		db_close(db);
		return 1;
	}
	db_close(db);
	printf("backed up %s to %s\n", o->shown, o->argv[0]);
	return 0;
}

/* Where a problem is: "id N" for a legacy row, "chain C position P (id N)" for a chain's. */
static void
audit_where(const struct aud_report *r, char *out, size_t size)
{
	if (r->bad_position && r->bad_id)
		snprintf(out, size, "chain %lld position %lld (id %lld)", (long long)r->bad_chain,
			 (long long)r->bad_position, (long long)r->bad_id);
	else if (r->bad_position)
		snprintf(out, size, "chain %lld position %lld", (long long)r->bad_chain,
			 (long long)r->bad_position);
	else
		snprintf(out, size, "id %lld", (long long)r->bad_id);
}

/* First words kept ("audit chain ok (N records", "audit chain BROKEN"): scripts grep them. */
static void
audit_print(const struct aud_report *r)
{
	const char *anchor = aud_anchor_path();
	char where[96];

	audit_where(r, where, sizeof(where));
	if (r->problem == AUD_CP_BAD_SIG)
		printf("audit chain BROKEN: %s line %lld: %s\n", anchor, (long long)r->line,
		       aud_problem_text(r->problem));
	else if (r->problem == AUD_TRUNCATED)
		printf("audit chain BROKEN at %s: %s (head id %lld, last checkpoint at id %lld)\n",
		       where, aud_problem_text(r->problem), (long long)r->head_id,
		       (long long)r->last_cp_id);
	else if (r->problem)
		printf("audit chain BROKEN at %s: %s (%lld records intact before it)\n", where,
		       aud_problem_text(r->problem), (long long)r->count);
	else if (r->last_cp_id)
		printf("audit chain ok (%lld records in %lld chains, last checkpoint at id %lld)\n",
		       (long long)r->count, (long long)r->chains, (long long)r->last_cp_id);
	else
		printf("audit chain ok (%lld records in %lld chains, no checkpoint yet in %s)\n",
		       (long long)r->count, (long long)r->chains, anchor);
}

static int
audit_checkpoint_tx(struct db *db, struct arena *a, const struct opts *o, struct err *e)
{
	struct aud_checkpoint cp;

	(void)a;
	(void)o;
	if (aud_checkpoint(db, now_ms(), &cp, e)) {
		aud_checkpoint_free(&cp);
		return e->code;
	}
	if (cp.chains)
		printf("checkpoint: heads of %lld chains (newest id %lld, digest %s) appended to %s\n",
		       (long long)cp.chains, (long long)cp.head_id, cp.head_hash, aud_anchor_path());
	else
		printf("checkpoint: head id %lld hash %s appended to %s\n", (long long)cp.head_id,
		       cp.head_hash, aud_anchor_path());
	aud_checkpoint_free(&cp);
	return 0;
}

static int
cmd_audit(struct opts *o)
{
	struct db *db = NULL;
	struct err e = { 0 };
	struct aud_report r;
	int verify = o->argc == 1 && strcmp(o->argv[0], "verify") == 0;
	int rc;

	if (!verify && !(o->argc == 1 && strcmp(o->argv[0], "checkpoint") == 0))
		return usage(usage_audit, 2);
	if (open_migrated(o, 0, &db))
		return 1;
	if (audit_setup(o, db, AUDIT_REQUIRE)) {
		db_close(db);
		return 1;
	}
	rc = verify ? aud_verify_report(db, &r, &e) : in_tx(db, audit_checkpoint_tx, o, &e);
	db_close(db);
	if (rc) {
		die_err(verify ? "verify failed" : "checkpoint failed", &e);
		return 1;
	}
	if (verify)
		audit_print(&r);
	return verify && r.problem ? 1 : 0;
}

/* Each module's --<flag> N, checked against its generator's range before anything runs. */
static int
gen_counts(const struct opts *o, int64_t *n)
{
	int any = 0;

	for (size_t m = 0; m < GEN_MODULES_MAX && houqin_modules[m]; m++) {
		n[m] = 0;
		if (!o->gen_n[m])
			continue;
		if (parse_i64(o->gen_n[m], 1, houqin_modules[m]->gen->max, &n[m]))
			return 2;
		any = 1;
	}
	return any ? 0 : 2;
}

/* Run the requested generators for agency, in module-list order; print what each made. */
static int
gen_run(struct db *db, struct gen_ctx *ctx, int64_t agency, const int64_t *n, struct err *e)
{
	ctx->agency_id = agency;
	for (size_t m = 0; m < GEN_MODULES_MAX && houqin_modules[m]; m++) {
		const struct module_gen *g = houqin_modules[m]->gen;
		if (!n[m])
			continue;
		if (g->run(db, ctx, n[m], e))
			return e->code;
		printf("generated %lld %s\n", (long long)n[m], g->what);
	}
	return 0;
}

#define GEN_AGENCIES_MAX 999	/* the prefix a001- .. a999- */

/*
** Agency k of `gen --agencies`: 1 is the demo agency (login office), k > 1
** the one whose logins start with a<k>- (made like the demo agency when it is
** missing); then the requested generators for it.
*/
static int
gen_agency(struct db *db, struct arena *a, struct gen_ctx *ctx, int64_t k, const int64_t *n,
	   struct err *e)
{
	char prefix[16] = "", login[32];
	struct user office;

	if (k > 1)
		snprintf(prefix, sizeof(prefix), "a%03d-", (int)(k % 1000));
	snprintf(login, sizeof(login), "%soffice", prefix);
	if (org_user_find(db, a, login, &office, e) == ERR_NOT_FOUND && k > 1) {
		*e = (struct err){ 0 };
		if (modules_demo_seed(db, prefix, e))
			return e->code;
		printf("made agency %lld (logins %s...)\n", (long long)k, prefix);
		if (org_user_find(db, a, login, &office, e))
			return e->code;
	} else if (e->code) {
		return e->code;
	}
	return gen_run(db, ctx, office.agency_id, n, e);
}

static int
cmd_gen(struct opts *o)
{
	struct db *db = NULL;
	struct err e = { 0 };
	struct arena *a = arena_new(4096);
	int64_t n[GEN_MODULES_MAX], months = 36, seed = 2026, agencies = 1, now = now_ms();
	struct gen_ctx ctx = { .password = o->password ? o->password : DEMO_PASSWORD };
	int fresh = !db_exists(o->db), rc = 1;

	if (!a || gen_counts(o, n) || (o->months && parse_i64(o->months, 1, 240, &months)) ||
	    (o->seed && parse_i64(o->seed, 0, INT64_MAX, &seed)) ||
	    (o->agencies && parse_i64(o->agencies, 1, GEN_AGENCIES_MAX, &agencies))) {
		arena_free(a);
		return usage(usage_gen, 2);
	}
	ensure_parent_dir(o->db);
	if (open_migrated(o, 1, &db) || audit_setup(o, db, AUDIT_MAY_CREATE))
		goto out;
	ctx.from_ms = now - months * 30 * DAY_MS;
	ctx.to_ms = now;
	ctx.seed = (uint64_t)seed;
	if (fresh && modules_demo_seed(db, "", &e))
		goto fail;
	for (int64_t k = 1; k <= agencies; k++) {
		/* a different seed per agency, so their histories differ */
		ctx.seed = (uint64_t)seed + (uint64_t)(k - 1) * 7919u;
		if (gen_agency(db, a, &ctx, k, n, &e))
			goto fail;
	}
	rc = 0;
	goto out;
fail:
	die_err(fresh ? "gen failed (removing the new database)" : "gen failed", &e);
out:
	db_close(db);
	if (rc && fresh)
		discard_new(o->db);
	arena_free(a);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct opts *);
		const char *usage;
	} cmds[] = {
		{ "init", cmd_init, usage_init },	{ "serve", cmd_serve, usage_serve },
		{ "migrate", cmd_migrate, usage_migrate }, { "user", cmd_user, usage_user },
		{ "backup", cmd_backup, usage_backup }, { "audit", cmd_audit, usage_audit },
		{ "gen", cmd_gen, usage_gen },
	};
	struct opts o = { 0 };
	int rc;

	if (argc < 2)
		return usage(usage_main, 2);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)
		return usage(usage_main, 0);
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("houqin %s\n", HOUQIN_VERSION);
		return 0;
	}
	if (sodium_init() < 0) {
		fputs("houqin: libsodium failed to initialise\n", stderr);
		return 1;
	}
	modules_init();
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		rc = parse_opts(argc - 2, argv + 2, &o);
		if (rc == -1)
			return usage(cmds[i].usage, 0);
		if (rc)
			return usage(cmds[i].usage, 2);
		return cmds[i].fn(&o);
	}
	fprintf(stderr, "houqin: unknown command '%s'\n\n", argv[1]);
	return usage(usage_main, 2);
}
