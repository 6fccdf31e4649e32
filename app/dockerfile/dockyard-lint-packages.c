/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-lint-private.h"
#include "dockyard-requirements.h"

/* The package manager rules: every package pinned, and what a RUN installs
 * with which tool (for the cache mount rules in dockyard-lint.c). */

static gboolean
is_python_package (const char *name)
{
  const char *p;

  if (!g_str_has_prefix (name, "python"))
    return FALSE;
  p = name + strlen ("python");
  while (g_ascii_isdigit (*p) || *p == '.')
    p++;
  /* python3-dev (headers for building wheels) is a build tool, not Python */
  return *p == '\0' || g_str_equal (p, "-minimal") || g_str_equal (p, "-full");
}

/* "Exact versions only, everywhere": a range or a wildcard lets the
 * package manager pick another version on the next build. */
char *
_dockyard_lint_unpinned_reason (const char *constraint)
{
  const char *v = constraint;

  if (v == NULL || *v == '\0')
    return g_strdup (_("no version is named"));
  if (strpbrk (v, "*?xX") != NULL && (strchr (v, '*') != NULL || strchr (v, '?') != NULL ||
                                       strstr (v, ".x") != NULL || strstr (v, ".X") != NULL ||
                                       g_str_equal (v, "x") || g_str_equal (v, "X")))
    /* Translators: %s is a version with a wildcard, e.g. 3.* */
    return g_strdup_printf (_("“%s” is a wildcard, not one version"), v);
  if (strpbrk (v, "<>~^!|,") != NULL || strstr (v, " - ") != NULL)
    /* Translators: %s is a version range, e.g. >=2 or ^4.18.2 */
    return g_strdup_printf (_("“%s” is a range, not one version"), v);
  if (!g_ascii_isdigit (*v) && !(*v == '=' && g_ascii_isdigit (v[1])) &&
      !(*v == 'v' && g_ascii_isdigit (v[1])))
    /* Translators: %s is a tag or release name, e.g. latest or bookworm-backports */
    return g_strdup_printf (_("“%s” is a name that moves, not a version"), v);

  return NULL;
}

/* The host[:port] of an http:// URL. */
char *
_dockyard_url_host (const char *url)
{
  const char *h = strstr (url, "://");
  const char *at;

  h = h != NULL ? h + 3 : url;
  at = strchr (h, '@');
  if (at != NULL && at < h + strcspn (h, "/"))
    h = at + 1;
  return g_strndup (h, strcspn (h, "/?#"));
}

/* Skips an option and its value; returns the index after it. */
static guint
skip_option (GPtrArray          *cmd,
             guint               i,
             const char * const *with_value)
{
  DockyardShellWord *w = g_ptr_array_index (cmd, i);

  if (g_strv_contains (with_value, w->text))
    return i + 2;
  return i + 1;
}

/* The first word from *@i on that is no option: the subcommand of an
 * installer; moves *@i past it. */
static const char *
installer_subcommand (GPtrArray          *cmd,
                      const char * const *with_value,
                      guint              *i)
{
  while (*i < cmd->len)
    {
      DockyardShellWord *w = g_ptr_array_index (cmd, *i);

      if (w->text[0] != '-')
        {
          (*i)++;
          return w->text;
        }
      *i = skip_option (cmd, *i, with_value);
    }

  return NULL;
}

/* The system package managers the rules know: the same command shape,
 * other words. */
typedef struct
{
  const char         *programs[3];
  const char         *tool;           /* as the messages name it */
  const char         *subcommand;     /* the one that installs */
  const char * const *with_value;     /* options that take a value */
  const char         *local_suffix;   /* a package file, not a name */
  const char         *name_end;       /* where the package name ends */
  const char         *unpinned_rule;
  const char         *unpinned_message;
  const char         *ranged_message;
  gsize               fact;           /* the DockyardRunFacts flag it sets */
} SystemInstaller;

static const char * const apt_options[] = {
  "-o", "-c", "-t", "--option", "--config-file", "--target-release", "--default-release", NULL,
};

static const char * const apk_options[] = {
  "-t", "--virtual", "-X", "--repository", "--repositories-file", "-p", "--root", "--arch",
  "--cache-dir", "--keys-dir", NULL,
};

static const SystemInstaller system_installers[] = {
  {
    { "apt-get", "apt", NULL }, "apt", "install", apt_options, ".deb", "=/",
    DOCKYARD_RULE_APT_UNPINNED, N_("apt package “%s” is not pinned; install %s=VERSION"),
    /* Translators: the second %s says why, e.g. "“1:2.1.*” is a wildcard, not one version" */
    N_("apt package “%s” is not pinned: %s; install %s=VERSION"),
    G_STRUCT_OFFSET (DockyardRunFacts, apt_install),
  },
  {
    { "apk", NULL }, "apk", "add", apk_options, ".apk", "=~<>",
    DOCKYARD_RULE_APK_UNPINNED, N_("apk package “%s” is not pinned; add %s=VERSION"),
    /* Translators: the second %s says why, e.g. "“>=2.6.1-r1” is a range, not one version" */
    N_("apk package “%s” is not pinned: %s; add %s=VERSION"),
    G_STRUCT_OFFSET (DockyardRunFacts, apk_add),
  },
};

static const SystemInstaller *
find_system_installer (const char *program)
{
  for (guint i = 0; i < G_N_ELEMENTS (system_installers); i++)
    if (g_strv_contains (system_installers[i].programs, program))
      return &system_installers[i];

  return NULL;
}

/* The format is one of the table's literals above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static char *
unpinned_message (const SystemInstaller *installer,
                  const char            *word,
                  const char            *name,
                  const char            *reason)
{
  if (reason != NULL)
    return g_strdup_printf (_(installer->ranged_message), word, reason, name);
  return g_strdup_printf (_(installer->unpinned_message), word, name);
}
#pragma GCC diagnostic pop

static void
check_system_packages (DockyardLint             *lint,
                       const DockyardLintScript *script,
                       GPtrArray                *cmd,
                       guint                     first,
                       DockyardRunFacts         *facts,
                       const SystemInstaller    *installer)
{
  guint i = first + 1;
  const char *sub = installer_subcommand (cmd, installer->with_value, &i);
  gboolean build_only = FALSE;

  if (g_strcmp0 (sub, installer->subcommand) != 0)
    return;

  G_STRUCT_MEMBER (gboolean, facts, installer->fact) = TRUE;

  /* apk add --virtual NAME: build dependencies, removed again later */
  for (guint k = first + 1; k < cmd->len; k++)
    {
      const char *t = ((DockyardShellWord *) g_ptr_array_index (cmd, k))->text;

      if (installer->with_value == apk_options
          && (g_str_equal (t, "-t") || g_str_equal (t, "--virtual") || g_str_has_prefix (t, "--virtual=")))
        build_only = TRUE;
    }

  for (; i < cmd->len; i++)
    {
      DockyardShellWord *w = g_ptr_array_index (cmd, i);
      g_autofree char *name = NULL;
      gsize offset = _dockyard_lint_script_offset (script, w->start);

      if (w->text[0] == '-')
        {
          i = skip_option (cmd, i, installer->with_value) - 1;
          continue;
        }
      if (g_str_has_suffix (w->text, installer->local_suffix))
        continue;

      name = g_strndup (w->text, strcspn (w->text, installer->name_end));
      if (installer->with_value == apt_options && g_str_equal (name, "python3-pip"))
        facts->apt_pip = TRUE;
      if (is_python_package (name) && !build_only)
        {
          g_autofree char *message =
            /* Translators: %s is apt or apk */
            g_strdup_printf (_("Python is installed with %s; use a pinned python:X.Y.Z base image instead"),
                             installer->tool);

          _dockyard_lint_add_finding (lint, DOCKYARD_RULE_PYTHON_FROM_APT, DOCKYARD_SEVERITY_WARNING, offset, message);
        }

      if (!w->has_var)
        {
          const char *op = w->text + strlen (name);
          g_autofree char *reason = NULL;
          gboolean pinned;

          /* apt: NAME=VERSION (NAME/RELEASE names no version); apk:
           * NAME=VERSION exactly, not ~ < > <= >= */
          if (*op == '/')
            {
              reason = _dockyard_lint_unpinned_reason (op + 1);
              pinned = FALSE;
            }
          else if (*op == '=' && op[1] != '\0' &&
                   (installer->with_value == apt_options || strchr ("=~<>", op[1]) == NULL))
            {
              reason = strpbrk (op + 1, "*?") != NULL ? _dockyard_lint_unpinned_reason (op + 1) : NULL;
              pinned = reason == NULL;
            }
          else
            {
              reason = *op != '\0' ? g_strdup_printf (_("“%s” is a range, not one version"), op) : NULL;
              pinned = FALSE;
            }

          if (!pinned)
            {
              g_autofree char *message = unpinned_message (installer, w->text, name, reason);

              _dockyard_lint_add_finding (lint, installer->unpinned_rule, DOCKYARD_SEVERITY_WARNING, offset, message);
            }
        }
    }
}

static gboolean
is_pip_program (const char *name)
{
  const char *p;

  if (!g_str_has_prefix (name, "pip"))
    return FALSE;
  for (p = name + 3; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
is_python_program (const char *name)
{
  const char *p;

  if (!g_str_has_prefix (name, "python"))
    return FALSE;
  for (p = name + 6; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return FALSE;
  return TRUE;
}

/* A git URL follows a moving branch unless it names a full commit. */
static gboolean
is_unpinned_git_url (const char *text)
{
  g_autofree char *url = NULL;
  const char *hash;
  const char *slash;
  const char *ref = NULL;
  gsize n = 0;

  if (!g_str_has_prefix (text, "git+") && !g_str_has_prefix (text, "git://")
      && !g_str_has_prefix (text, "github:"))
    {
      const char *at = strstr (text, " @ ");

      if (at == NULL)
        return FALSE;
      return is_unpinned_git_url (at + 3);
    }

  hash = strchr (text, '#');
  url = hash != NULL ? g_strndup (text, hash - text) : g_strdup (text);
  slash = strrchr (url, '/');
  if (slash != NULL && strchr (slash, '@') != NULL)
    ref = strrchr (slash, '@') + 1;          /* pip: repo.git@REF */
  else if (hash != NULL && strchr (hash + 1, '=') == NULL)
    ref = hash + 1;                          /* npm: repo.git#REF */

  if (ref != NULL)
    for (n = 0; g_ascii_isxdigit (ref[n]); n++)
      ;
  return ref == NULL || n != 40 || (ref[n] != '\0' && ref[n] != '#');
}

static void
check_pip (DockyardLint             *lint,
           const DockyardLintScript *script,
           GPtrArray                *cmd,
           guint                     first,
           DockyardRunFacts         *facts,
           gboolean                  real_pip)
{
  static const char * const with_value[] = {
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
    "--trusted-host", "--cache-dir", "--src", "--upgrade-strategy", "--platform",
    "--python-version", "--implementation", "--abi", "--only-binary", "--no-binary",
    "--progress-bar", "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert",
    "--client-cert", "--global-option", "--install-option", "-C", "--config-settings",
    "--report", "--python", "--root-user-action", "--use-feature", "--use-deprecated",
    "--keyring-provider", "--log-file", "--local-log", "--resume-retries", "--group",
    /* pipx install, uv pip install */
    "--pip-args", "--suffix", "--preinstall", "--index", "--default-index", "-p",
    "--index-strategy", "--resolution", "--prerelease", "--link-mode", "--exclude-newer",
    "--extra", "--override", NULL,
  };
  guint i = first + 1;
  gboolean constrained = FALSE;

  /* python -m pip */
  if (is_python_program (_dockyard_shell_base_name (((DockyardShellWord *) g_ptr_array_index (cmd, first))->text)))
    {
      while (i < cmd->len && !g_str_equal (((DockyardShellWord *) g_ptr_array_index (cmd, i))->text, "-m"))
        {
          if (((DockyardShellWord *) g_ptr_array_index (cmd, i))->text[0] != '-')
            return;
          i++;
        }
      if (i + 1 >= cmd->len || !g_str_equal (((DockyardShellWord *) g_ptr_array_index (cmd, i + 1))->text, "pip"))
        return;
      i += 2;
    }

  if (g_strcmp0 (installer_subcommand (cmd, with_value, &i), "install") != 0)
    return;

  if (real_pip)
    {
      const char *program = ((DockyardShellWord *) g_ptr_array_index (cmd, first))->text;
      g_autoptr(GPtrArray) trusted = g_ptr_array_new ();

      facts->pip_install = TRUE;
      facts->pip_offset = _dockyard_lint_script_offset (script, ((DockyardShellWord *) g_ptr_array_index (cmd, first))->start);
      /* /usr/bin/pip3 or plain pip3: the system's; /opt/venv/bin/pip: not */
      facts->pip_system = strchr (program, '/') == NULL || g_str_has_prefix (program, "/usr/bin/") ||
                          g_str_has_prefix (program, "/usr/local/bin/");

      {
        DockyardShellWord *sub = g_ptr_array_index (cmd, i - 1);

        facts->pip_insert = _dockyard_lint_script_offset (script, sub->end);
        facts->pip_insert_ok = script->exact;
        facts->pip_insert_json = dockyard_instruction_is_json (script->ins);
      }

      /* VAR=value pip install ... */
      for (guint k = 0; k < first; k++)
        {
          DockyardShellWord *w = g_ptr_array_index (cmd, k);

          if (g_str_has_prefix (w->text, "PIP_NO_CACHE_DIR=") && script->exact)
            {
              gsize range[2] = { _dockyard_lint_script_offset (script, w->start),
                                 _dockyard_lint_script_offset (script, w->end) };

              g_array_append_vals (facts->no_cache_env, range, 2);
            }
          else if (g_str_has_prefix (w->text, "PIP_BREAK_SYSTEM_PACKAGES="))
            facts->pip_break_system = TRUE;
          else if (g_str_has_prefix (w->text, "PIP_TRUSTED_HOST="))
            {
              g_auto(GStrv) hosts = g_strsplit_set (w->text + strlen ("PIP_TRUSTED_HOST="), " ", -1);

              for (guint h = 0; hosts[h] != NULL; h++)
                if (*hosts[h] != '\0')
                  g_ptr_array_add (facts->pip_http_hosts, g_strconcat ("!", hosts[h], NULL));
            }
          else if (g_str_has_prefix (w->text, "PIP_INDEX_URL=http://") ||
                   g_str_has_prefix (w->text, "PIP_EXTRA_INDEX_URL=http://"))
            g_ptr_array_add (facts->pip_http_hosts, _dockyard_url_host (strchr (w->text, '=') + 1));
        }

      for (guint k = i; k < cmd->len; k++)
        {
          DockyardShellWord *w = g_ptr_array_index (cmd, k);
          const char *t = w->text;
          const char *value = k + 1 < cmd->len ? ((DockyardShellWord *) g_ptr_array_index (cmd, k + 1))->text : NULL;

          if (g_str_equal (t, "--break-system-packages"))
            facts->pip_break_system = TRUE;
          else if ((g_str_equal (t, "--trusted-host")) && value != NULL)
            g_ptr_array_add (trusted, (gpointer) value);
          else if (g_str_has_prefix (t, "--trusted-host="))
            g_ptr_array_add (trusted, (gpointer) (t + strlen ("--trusted-host=")));
          else if ((g_str_equal (t, "-i") || g_str_equal (t, "--index-url") || g_str_equal (t, "--extra-index-url")) &&
                   value != NULL && g_str_has_prefix (value, "http://"))
            g_ptr_array_add (facts->pip_http_hosts, _dockyard_url_host (value));
          else if ((g_str_has_prefix (t, "--index-url=http://") || g_str_has_prefix (t, "--extra-index-url=http://")))
            g_ptr_array_add (facts->pip_http_hosts, _dockyard_url_host (strchr (t, '=') + 1));
          else if (g_str_has_prefix (t, "-ihttp://"))
            g_ptr_array_add (facts->pip_http_hosts, _dockyard_url_host (t + 2));
        }
      for (guint k = 0; k < trusted->len; k++)
        g_ptr_array_add (facts->pip_http_hosts, g_strconcat ("!", (char *) g_ptr_array_index (trusted, k), NULL));
    }

  for (guint k = i; k < cmd->len; k++)
    {
      DockyardShellWord *w = g_ptr_array_index (cmd, k);

      if (g_str_equal (w->text, "-c") || g_str_equal (w->text, "--constraint") ||
          g_str_has_prefix (w->text, "--constraint="))
        constrained = TRUE;
    }

  for (; i < cmd->len; i++)
    {
      DockyardShellWord *w = g_ptr_array_index (cmd, i);

      if (w->text[0] == '-')
        {
          const char *file = NULL;

          if ((g_str_equal (w->text, "-r") || g_str_equal (w->text, "--requirement")) && i + 1 < cmd->len)
            {
              DockyardShellWord *v = g_ptr_array_index (cmd, i + 1);

              if (!v->has_var)
                file = v->text;
            }
          else if (g_str_has_prefix (w->text, "--requirement="))
            file = w->text + strlen ("--requirement=");
          else if (g_str_has_prefix (w->text, "-r") && w->text[2] != '\0')
            file = w->text + 2;
          else if (g_str_equal (w->text, "--no-cache-dir") && real_pip)
            {
              gsize range[2] = { _dockyard_lint_script_offset (script, w->start), _dockyard_lint_script_offset (script, w->end) };

              if (script->exact)
                g_array_append_vals (facts->no_cache_dir, range, 2);
            }

          if (file != NULL && !w->has_var)
            _dockyard_lint_check_requirements_file (lint, file);

          i = skip_option (cmd, i, with_value) - 1;
          continue;
        }

      if (w->has_var || constrained)
        continue;

      if (is_unpinned_git_url (w->text))
        {
          g_autofree char *message =
            g_strdup_printf (_("pip package “%s” follows a git branch or tag; name a full commit (@COMMIT)"),
                             w->text);

          _dockyard_lint_add_finding (lint, DOCKYARD_RULE_PIP_UNPINNED, DOCKYARD_SEVERITY_WARNING,
                                      _dockyard_lint_script_offset (script, w->start), message);
          continue;
        }

      {
        g_autoptr(DockyardRequirements) reqs = dockyard_requirements_parse (w->text, -1, NULL);
        const DockyardRequirement *req;

        if (dockyard_requirements_get_n_items (reqs) != 1)
          continue;
        req = dockyard_requirements_get_item (reqs, 0);
        if (req->name == NULL || req->url != NULL || req->editable || req->pinned)
          continue;

        {
          g_autofree char *reason = req->specifier != NULL
                                    ? _dockyard_lint_unpinned_reason (req->specifier) : NULL;
          g_autofree char *message = reason != NULL
            /* Translators: the second %s says why, e.g. "“>=2” is a range, not one version" */
            ? g_strdup_printf (_("pip package “%s” is not pinned: %s; use %s==VERSION"), w->text, reason, req->name)
            : g_strdup_printf (_("pip package “%s” is not pinned; use %s==VERSION"), w->text, req->name);

          _dockyard_lint_add_finding (lint, DOCKYARD_RULE_PIP_UNPINNED, DOCKYARD_SEVERITY_WARNING,
                                      _dockyard_lint_script_offset (script, w->start), message);
        }
      }
    }
}

static gboolean
is_exact_npm_version (const char *v)
{
  if (*v == '=' || *v == 'v')
    v++;
  for (guint part = 0; part < 3; part++)
    {
      if (!g_ascii_isdigit (*v))
        return FALSE;
      while (g_ascii_isdigit (*v))
        v++;
      if (part < 2)
        {
          if (*v != '.')
            return FALSE;
          v++;
        }
    }
  if (*v == '-' || *v == '+')
    {
      for (v++; *v != '\0'; v++)
        if (!g_ascii_isalnum (*v) && *v != '.' && *v != '-' && *v != '+')
          return FALSE;
    }
  return *v == '\0';
}

static void
check_npm (DockyardLint             *lint,
           const DockyardLintScript *script,
           GPtrArray                *cmd,
           guint                     first,
           DockyardRunFacts         *facts)
{
  static const char * const with_value[] = {
    "--prefix", "--registry", "--cache", "--tag", "-w", "--workspace", "--userconfig",
    "--omit", "--include", "--loglevel", "--location", "--install-strategy", "--save-prefix",
    "--before", "--otp", "--globalconfig", "--script-shell", "--scope", "--cpu", "--os",
    "--libc", "--auth-type", "--fetch-retries", "--fetch-timeout", "--maxsockets", "-C", NULL,
  };
  guint i = first + 1;
  const char *sub = installer_subcommand (cmd, with_value, &i);

  if (sub == NULL)
    return;
  if (g_str_equal (sub, "ci"))
    {
      facts->npm_install = TRUE;
      return;
    }
  if (!g_str_equal (sub, "install") && !g_str_equal (sub, "i") && !g_str_equal (sub, "add"))
    return;

  facts->npm_install = TRUE;

  for (; i < cmd->len; i++)
    {
      DockyardShellWord *w = g_ptr_array_index (cmd, i);
      const char *at;
      const char *t = w->text;

      if (t[0] == '-')
        {
          if (g_str_equal (t, "--cache") && i + 1 < cmd->len && script->exact)
            {
              DockyardShellWord *v = g_ptr_array_index (cmd, i + 1);
              gsize range[2] = { _dockyard_lint_script_offset (script, w->start),
                                 _dockyard_lint_script_offset (script, v->end) };

              g_array_append_vals (facts->npm_cache_flags, range, 2);
              g_free (facts->npm_cache_dir);
              facts->npm_cache_dir = g_strdup (v->text);
            }
          i = skip_option (cmd, i, with_value) - 1;
          continue;
        }
      if (!w->has_var && is_unpinned_git_url (t))
        {
          g_autofree char *message =
            g_strdup_printf (_("npm package “%s” follows a git branch or tag; name a full commit (#COMMIT)"), t);

          _dockyard_lint_add_finding (lint, DOCKYARD_RULE_NPM_UNPINNED, DOCKYARD_SEVERITY_WARNING,
                                      _dockyard_lint_script_offset (script, w->start), message);
          continue;
        }
      if (w->has_var || t[0] == '.' || t[0] == '/' || t[0] == '~' || strstr (t, "://") != NULL ||
          strchr (t, ':') != NULL || g_str_has_suffix (t, ".tgz") || g_str_has_suffix (t, ".tar.gz") ||
          g_str_has_suffix (t, ".tar") ||
          (strchr (t, '/') != NULL && t[0] != '@'))
        continue;

      at = strrchr (t, '@');
      if (at == t)
        at = NULL;
      if (at == NULL || !is_exact_npm_version (at + 1))
        {
          g_autofree char *name = at != NULL ? g_strndup (t, at - t) : g_strdup (t);
          g_autofree char *reason = at != NULL ? _dockyard_lint_unpinned_reason (at + 1) : NULL;

          /* npm reads a partial version (4.18) as a range too */
          if (reason == NULL && at != NULL && at[1] != '\0')
            reason = g_strdup_printf (_("“%s” is a range, not one version"), at + 1);
          g_autofree char *message = reason != NULL
            /* Translators: the second %s says why, e.g. "“^4.18.2” is a range, not one version" */
            ? g_strdup_printf (_("npm package “%s” is not pinned: %s; use %s@VERSION"), t, reason, name)
            : g_strdup_printf (_("npm package “%s” is not pinned; use %s@VERSION"), t, name);

          _dockyard_lint_add_finding (lint, DOCKYARD_RULE_NPM_UNPINNED, DOCKYARD_SEVERITY_WARNING,
                                      _dockyard_lint_script_offset (script, w->start), message);
        }
    }
}

void
_dockyard_lint_user_free (DockyardLintUser *user)
{
  g_free (user->uid);
  g_free (user->gid);
  g_free (user->home);
  g_free (user);
}

/* useradd -u 1000 -g 100 -m -d /home/me me; adduser --uid 1000 --home
 * /home/me me; busybox adduser -u 1000 -h /home/me -D me.  Only what is
 * written as a plain number counts as a uid or gid. */
void
_dockyard_lint_record_user (DockyardLint *lint,
                            GPtrArray    *cmd,
                            guint         first)
{
  static const char * const with_value[] = {
    "-u", "--uid", "-g", "--gid", "-G", "--groups", "--ingroup", "-d", "--home-dir", "-h", "--home",
    "-s", "--shell", "-c", "--comment", "--gecos", "-k", "--skel", "-K", "--key", "-e", "--expiredate",
    "-f", "--inactive", "-p", "--password", "-b", "--base-dir", "-R", "--root", "-P", "--prefix",
    "--firstuid", "--lastuid", "--add_extra_groups", "--conf", NULL,
  };
  const char *uid = NULL;
  const char *gid = NULL;
  const char *home = NULL;
  const char *name = NULL;
  DockyardLintUser *user;

  for (guint i = first + 1; i < cmd->len; i++)
    {
      DockyardShellWord *w = g_ptr_array_index (cmd, i);
      const char *value = NULL;
      const char *opt = w->text;

      if (w->has_var)
        {
          if (opt[0] != '-')
            name = NULL;
          continue;
        }
      if (opt[0] != '-')
        {
          /* adduser NAME GROUP adds a user to a group: not a new user */
          if (name != NULL)
            return;
          name = opt;
          continue;
        }
      if (g_strv_contains (with_value, opt) && i + 1 < cmd->len)
        {
          DockyardShellWord *v = g_ptr_array_index (cmd, i + 1);

          value = v->has_var ? NULL : v->text;
          i++;
        }
      else if (strchr (opt, '=') != NULL && g_str_has_prefix (opt, "--"))
        value = strchr (opt, '=') + 1;
      if (value == NULL)
        continue;

      if (g_str_equal (opt, "-u") || g_str_equal (opt, "--uid") || g_str_has_prefix (opt, "--uid="))
        uid = value;
      else if (g_str_equal (opt, "-g") || g_str_equal (opt, "--gid") || g_str_has_prefix (opt, "--gid="))
        gid = value;
      else if (g_str_equal (opt, "-d") || g_str_equal (opt, "--home-dir") || g_str_equal (opt, "--home") ||
               g_str_has_prefix (opt, "--home-dir=") || g_str_has_prefix (opt, "--home="))
        home = value;
      else if (g_str_equal (opt, "-h"))
        home = value;   /* busybox adduser */
    }

  if (name == NULL || uid == NULL || !_dockyard_is_all_digits (uid))
    return;

  user = g_new0 (DockyardLintUser, 1);
  user->uid = g_strdup (uid);
  user->gid = gid != NULL && _dockyard_is_all_digits (gid) ? g_strdup (gid) : NULL;
  user->home = home != NULL && home[0] == '/' ? g_strdup (home) : g_strconcat ("/home/", name, NULL);
  g_hash_table_replace (lint->users, g_strdup (name), user);
}

void
_dockyard_lint_check_command (DockyardLint             *lint,
                              const DockyardLintScript *script,
                              GPtrArray                *cmd,
                              DockyardRunFacts         *facts)
{
  guint first = _dockyard_shell_program_index (cmd);
  const SystemInstaller *installer;
  const char *program;

  if (first >= cmd->len)
    return;

  program = _dockyard_shell_base_name (((DockyardShellWord *) g_ptr_array_index (cmd, first))->text);
  installer = find_system_installer (program);
  if (g_str_equal (program, "useradd") || g_str_equal (program, "adduser"))
    _dockyard_lint_record_user (lint, cmd, first);
  else if (installer != NULL)
    check_system_packages (lint, script, cmd, first, facts, installer);
  else if (is_pip_program (program) || is_python_program (program))
    check_pip (lint, script, cmd, first, facts, TRUE);
  else if (g_str_equal (program, "pipx"))
    check_pip (lint, script, cmd, first, facts, FALSE);
  else if (g_str_equal (program, "uv") && first + 1 < cmd->len
           && g_str_equal (((DockyardShellWord *) g_ptr_array_index (cmd, first + 1))->text, "pip"))
    check_pip (lint, script, cmd, first + 1, facts, FALSE);
  else if (g_str_equal (program, "npm"))
    check_npm (lint, script, cmd, first, facts);
}

void
_dockyard_lint_check_script (DockyardLint             *lint,
                             const DockyardLintScript *script,
                             const char               *text,
                             gsize                     length,
                             DockyardRunFacts         *facts)
{
  g_autoptr(GPtrArray) commands = _dockyard_shell_commands (text, length);

  for (guint i = 0; i < commands->len; i++)
    _dockyard_lint_check_command (lint, script, g_ptr_array_index (commands, i), facts);
}

