/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-read-file.h"
#include "dockyard-requirements.h"

/* pip requirements files, read the way pip reads them: lines ending in a
 * backslash are joined (unless they are comments), "#" after whitespace
 * starts a comment, a line starting with "-" is an option line (-r/-c
 * include other files relative to this one, -e is an editable install),
 * and a requirement is followed by its per-line options (--hash). */

#define MAX_INCLUDE_DEPTH 16

struct _DockyardRequirements
{
  gatomicrefcount  ref_count;
  GPtrArray       *items;
  GPtrArray       *includes;   /* char*, NULL-terminated */
  GArray          *include_is_constraint;
  GArray          *include_lines;   /* guint, where each include is */
  GPtrArray       *unread;          /* DockyardRequirementsUnread */
};

G_DEFINE_BOXED_TYPE (DockyardRequirements, dockyard_requirements,
                     dockyard_requirements_ref, dockyard_requirements_unref)

static void
requirement_free (DockyardRequirement *req)
{
  g_free (req->name);
  g_free (req->extras);
  g_free (req->specifier);
  g_free (req->marker);
  g_free (req->url);
  g_strfreev (req->hashes);
  g_free (req->file);
  g_free (req);
}

static void
unread_free (DockyardRequirementsUnread *unread)
{
  g_free (unread->file);
  g_free (unread->include);
  g_free (unread->reason);
  g_free (unread);
}

static DockyardRequirements *
requirements_new (void)
{
  DockyardRequirements *self = g_new0 (DockyardRequirements, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) requirement_free);
  self->includes = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->includes, NULL);
  self->include_is_constraint = g_array_new (FALSE, FALSE, sizeof (gboolean));
  self->include_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  self->unread = g_ptr_array_new_with_free_func ((GDestroyNotify) unread_free);

  return self;
}

DockyardRequirements *
dockyard_requirements_ref (DockyardRequirements *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dockyard_requirements_unref (DockyardRequirements *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_ptr_array_unref (self->items);
  g_ptr_array_unref (self->includes);
  g_array_unref (self->include_is_constraint);
  g_array_unref (self->include_lines);
  g_ptr_array_unref (self->unread);
  g_free (self);
}

static void
add_include (DockyardRequirements *self,
             const char           *path,
             gboolean              constraint,
             guint                 line)
{
  g_ptr_array_insert (self->includes, self->includes->len - 1, g_strdup (path));
  g_array_append_val (self->include_is_constraint, constraint);
  g_array_append_val (self->include_lines, line);
}

/* PEP 440's public and local version grammar (the "canonical" regular
 * expression of the specification, with its separators and spellings),
 * anchored at both ends.  Nothing else can follow "==" in a line Dockyard
 * writes: a version from `pip freeze` that does not match is not used. */
#define PEP440_VERSION \
  "\\A[vV]?" \
  "(?:[0-9]+!)?" \
  "[0-9]+(?:\\.[0-9]+)*" \
  "(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?" \
  "(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?" \
  "(?:[-_.]?dev[-_.]?[0-9]*)?" \
  "(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?" \
  "\\z"

/**
 * dockyard_requirement_version_is_valid:
 * @version: a version, e.g. "2.31.0", "1.0rc1", "2.0.post1+local.3"
 *
 * Whether @version is a version by PEP 440's grammar (case-insensitive,
 * as in the specification), and so safe to write after "==": no spaces,
 * no control characters, nothing pip would read as an option.
 *
 * Returns: %TRUE for a valid version
 */
gboolean
dockyard_requirement_version_is_valid (const char *version)
{
  static gsize once;
  static GRegex *regex;

  g_return_val_if_fail (version != NULL, FALSE);

  if (g_once_init_enter (&once))
    {
      regex = g_regex_new (PEP440_VERSION, G_REGEX_CASELESS | G_REGEX_RAW | G_REGEX_OPTIMIZE, 0, NULL);
      g_assert (regex != NULL);
      g_once_init_leave (&once, 1);
    }

  /* RAW: bytes, not UTF-8, so "[a-z]" is ASCII whatever the input. */
  return strlen (version) <= 256 && g_regex_match (regex, version, 0, NULL);
}

/**
 * dockyard_requirement_specifier_is_pinned:
 * @specifier: (nullable): e.g. "==1.2.3", ">=1.0,<2"
 *
 * Returns: %TRUE if the specifier allows exactly one version: a clause
 *   `==V` without a wildcard, or `===V`
 */
gboolean
dockyard_requirement_specifier_is_pinned (const char *specifier)
{
  g_auto(GStrv) clauses = NULL;

  if (specifier == NULL)
    return FALSE;

  clauses = g_strsplit (specifier, ",", -1);
  for (guint i = 0; clauses[i] != NULL; i++)
    {
      char *clause = g_strstrip (clauses[i]);
      const char *version;

      if (clause[0] == '(')
        clause++;
      if (g_str_has_prefix (clause, "==="))
        {
          version = clause + 3;
          while (*version == ' ')
            version++;
          if (*version != '\0')
            return TRUE;
        }
      else if (g_str_has_prefix (clause, "=="))
        {
          g_autofree char *value = g_strdup (clause + 2);

          g_strstrip (value);
          if (value[0] != '\0' && value[strlen (value) - 1] == ')')
            value[strlen (value) - 1] = '\0';
          g_strstrip (value);
          if (value[0] != '\0' && !g_str_has_suffix (value, ".*"))
            return TRUE;
        }
    }

  return FALSE;
}

/**
 * dockyard_requirement_normalize_name:
 *
 * Returns: (transfer full): the PEP 503 normalized project name
 */
char *
dockyard_requirement_normalize_name (const char *name)
{
  GString *out;

  g_return_val_if_fail (name != NULL, NULL);

  out = g_string_new (NULL);
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '-' || *p == '_' || *p == '.')
        {
          while (p[1] == '-' || p[1] == '_' || p[1] == '.')
            p++;
          g_string_append_c (out, '-');
        }
      else
        g_string_append_c (out, g_ascii_tolower (*p));
    }

  return g_string_free (out, FALSE);
}

static gboolean
looks_like_location (const char *s)
{
  return strstr (s, "://") != NULL || s[0] == '.' || s[0] == '/' || s[0] == '~' ||
         strchr (s, '/') != NULL || strchr (s, '\\') != NULL ||
         g_str_has_suffix (s, ".whl") || g_str_has_suffix (s, ".tar.gz") ||
         g_str_has_suffix (s, ".zip");
}

static char *
egg_name (const char *url)
{
  const char *egg = strstr (url, "#egg=");
  gsize len;

  if (egg == NULL)
    return NULL;
  egg += strlen ("#egg=");
  len = strcspn (egg, "&[ ");
  return len > 0 ? g_strndup (egg, len) : NULL;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-';
}

/* name [extras] (specifier | @ url) [; marker] */
static void
parse_requirement (DockyardRequirement *req,
                   const char          *text)
{
  const char *p = text;
  const char *semi;
  const char *name_start;

  if (looks_like_location (text) && strstr (text, " @") == NULL && strstr (text, "@ ") == NULL)
    {
      semi = strstr (text, " ;");
      if (semi == NULL)
        semi = strstr (text, "; ");
      req->url = semi != NULL ? g_strndup (text, semi - text) : g_strdup (text);
      g_strstrip (req->url);
      if (semi != NULL)
        req->marker = g_strstrip (g_strdup (semi + 2));
      req->name = egg_name (req->url);
      return;
    }

  name_start = p;
  while (is_name_char (*p))
    p++;
  if (p > name_start)
    req->name = g_strndup (name_start, p - name_start);

  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '[')
    {
      const char *close = strchr (p, ']');

      if (close != NULL)
        {
          req->extras = g_strstrip (g_strndup (p + 1, close - p - 1));
          p = close + 1;
        }
    }
  while (*p == ' ' || *p == '\t')
    p++;

  semi = strchr (p, ';');
  if (*p == '@')
    {
      req->url = g_strstrip (semi != NULL ? g_strndup (p + 1, semi - p - 1) : g_strdup (p + 1));
    }
  else
    {
      g_autofree char *spec = semi != NULL ? g_strndup (p, semi - p) : g_strdup (p);

      g_strstrip (spec);
      if (spec[0] != '\0')
        req->specifier = g_steal_pointer (&spec);
    }
  if (semi != NULL)
    req->marker = g_strstrip (g_strdup (semi + 1));

  req->pinned = dockyard_requirement_specifier_is_pinned (req->specifier);
}

/* Where "#" starts a comment: at the start or after whitespace. */
static const char *
find_comment (const char *line)
{
  for (const char *p = line; *p != '\0'; p++)
    if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t'))
      return p;
  return NULL;
}

static guint
column_of (const char *line,
           const char *at)
{
  guint column = 1;

  for (const char *p = line; p < at && *p != '\0'; p = g_utf8_next_char (p))
    column++;
  return column;
}

static void
parse_logical_line (DockyardRequirements *self,
                    const char           *file_name,
                    char                 *line,
                    guint                 line_number)
{
  const char *comment = find_comment (line);
  g_auto(GStrv) tokens = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  DockyardRequirement *req;
  const char *start;
  guint i;

  if (comment != NULL)
    *(char *) comment = '\0';

  start = line;
  while (*start == ' ' || *start == '\t')
    start++;
  if (*start == '\0')
    return;

  tokens = g_strsplit_set (start, " \t", -1);

  if (start[0] == '-')
    {
      const char *opt = NULL;
      const char *value = NULL;

      for (i = 0; tokens[i] != NULL && tokens[i][0] == '\0'; i++)
        ;
      opt = tokens[i];
      for (i = i + 1; tokens[i] != NULL && tokens[i][0] == '\0'; i++)
        ;
      value = tokens[i];

      if (g_str_equal (opt, "-r") || g_str_equal (opt, "--requirement") ||
          g_str_equal (opt, "-c") || g_str_equal (opt, "--constraint"))
        {
          if (value != NULL)
            add_include (self, value, opt[1] == 'c' || opt[2] == 'c', line_number);
        }
      else if (g_str_has_prefix (opt, "--requirement=") || g_str_has_prefix (opt, "--constraint="))
        add_include (self, strchr (opt, '=') + 1, opt[2] == 'c', line_number);
      else if (g_str_has_prefix (opt, "-r") || g_str_has_prefix (opt, "-c"))
        add_include (self, opt + 2, opt[1] == 'c', line_number);
      else if (g_str_equal (opt, "-e") || g_str_equal (opt, "--editable") ||
               g_str_has_prefix (opt, "--editable="))
        {
          const char *target = g_str_has_prefix (opt, "--editable=") ? strchr (opt, '=') + 1 : value;

          if (target == NULL)
            return;
          req = g_new0 (DockyardRequirement, 1);
          req->editable = TRUE;
          req->url = g_strdup (target);
          req->name = egg_name (target);
          req->file = g_strdup (file_name);
          req->line = line_number;
          req->column = column_of (line, start);
          req->hashes = g_new0 (char *, 1);
          g_ptr_array_add (self->items, req);
        }
      return;
    }

  /* The requirement runs up to the first option. */
  for (i = 0; tokens[i] != NULL; i++)
    {
      if (tokens[i][0] == '-')
        break;
      if (tokens[i][0] != '\0')
        g_ptr_array_add (args, tokens[i]);
    }
  for (; tokens[i] != NULL; i++)
    {
      if (g_str_has_prefix (tokens[i], "--hash="))
        g_ptr_array_add (hashes, g_strdup (tokens[i] + strlen ("--hash=")));
      else if (g_str_equal (tokens[i], "--hash") && tokens[i + 1] != NULL)
        g_ptr_array_add (hashes, g_strdup (tokens[++i]));
    }
  g_ptr_array_add (args, NULL);
  g_ptr_array_add (hashes, NULL);

  joined = g_strjoinv (" ", (char **) args->pdata);
  if (joined[0] == '\0')
    return;

  req = g_new0 (DockyardRequirement, 1);
  req->file = g_strdup (file_name);
  req->line = line_number;
  req->column = column_of (line, start);
  req->hashes = (char **) g_ptr_array_free (g_steal_pointer (&hashes), FALSE);
  parse_requirement (req, joined);
  g_ptr_array_add (self->items, req);
}

/**
 * dockyard_requirements_parse:
 * @text: the contents of a requirements file
 * @length: its length or -1
 * @file_name: (nullable): how to name the file in the items
 *
 * Parses one file; includes are listed (see
 * dockyard_requirements_get_includes()) but not read.
 *
 * Returns: (transfer full): the requirements
 */
DockyardRequirements *
dockyard_requirements_parse (const char *text,
                             gssize      length,
                             const char *file_name)
{
  g_autoptr(DockyardRequirements) self = requirements_new ();
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) pending = NULL;
  guint pending_line = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  copy = length < 0 ? g_strdup (text) : g_strndup (text != NULL ? text : "", length);
  if (!g_utf8_validate (copy, -1, NULL))
    {
      char *valid = g_utf8_make_valid (copy, -1);

      g_free (copy);
      copy = valid;
    }

  lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);
      gboolean continued;

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';

      /* A comment line ends a continuation, like in pip. */
      {
        const char *c = find_comment (line);

        continued = len > 0 && line[len - 1] == '\\' && c == NULL;
      }

      if (continued)
        {
          line[len - 1] = '\0';
          if (pending == NULL)
            {
              pending = g_string_new (line);
              pending_line = i + 1;
            }
          else
            g_string_append (pending, line);
          continue;
        }

      if (pending != NULL)
        {
          g_string_append (pending, line);
          parse_logical_line (self, file_name, pending->str, pending_line);
          g_string_free (g_steal_pointer (&pending), TRUE);
        }
      else
        parse_logical_line (self, file_name, line, i + 1);
    }

  if (pending != NULL)
    parse_logical_line (self, file_name, pending->str, pending_line);

  return g_steal_pointer (&self);
}

static gboolean
load_into (DockyardRequirements *self,
           GFile                *root,
           GFile                *file,
           const char           *file_name,
           gboolean              constraint,
           GHashTable           *seen,
           guint                 depth,
           GCancellable         *cancellable,
           GError              **error)
{
  g_autoptr(DockyardRequirements) parsed = NULL;
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *contents = NULL;
  g_autofree char *dir_name = NULL;
  char *uri = g_file_get_uri (file);
  gsize length;

  if (g_hash_table_contains (seen, uri) || depth > MAX_INCLUDE_DEPTH)
    {
      g_free (uri);
      return TRUE;
    }
  g_hash_table_add (seen, uri);

  if (g_cancellable_set_error_if_cancelled (cancellable, error)
      || !dockyard_read_file (root, file, DOCKYARD_MAX_TEXT_FILE_SIZE, &contents, &length, error))
    return FALSE;

  parsed = dockyard_requirements_parse (contents, length, file_name);
  while (parsed->items->len > 0)
    {
      DockyardRequirement *req = g_ptr_array_steal_index (parsed->items, 0);

      req->constraint = req->constraint || constraint;
      g_ptr_array_add (self->items, req);
    }

  dir_name = g_path_get_dirname (file_name);
  for (guint i = 0; i + 1 < parsed->includes->len; i++)
    {
      const char *include = g_ptr_array_index (parsed->includes, i);
      gboolean is_constraint = g_array_index (parsed->include_is_constraint, gboolean, i);
      g_autoptr(GFile) child = NULL;
      g_autofree char *child_name = NULL;
      g_autoptr(GError) child_error = NULL;

      if (strstr (include, "://") != NULL)
        continue;

      child = g_file_resolve_relative_path (parent, include);
      child_name = g_path_is_absolute (include) || g_str_equal (dir_name, ".")
                     ? g_strdup (include)
                     : g_build_filename (dir_name, include, NULL);
      add_include (self, child_name, is_constraint || constraint,
                   g_array_index (parsed->include_lines, guint, i));

      /* A missing include is pip's error to report at build time; the
       * lines we could read are still worth checking.  One that is not
       * read for any other reason (outside the project, not a regular
       * file, too big) is reported: its requirements are not checked. */
      if (!load_into (self, root, child, child_name, is_constraint || constraint, seen, depth + 1,
                      cancellable, &child_error)
          && !g_error_matches (child_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
          && !g_error_matches (child_error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY)
          && !g_error_matches (child_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          DockyardRequirementsUnread *unread = g_new0 (DockyardRequirementsUnread, 1);

          unread->file = g_strdup (file_name);
          unread->line = g_array_index (parsed->include_lines, guint, i);
          unread->include = g_strdup (include);
          unread->reason = g_strdup (child_error->message);
          g_ptr_array_add (self->unread, unread);
        }
    }

  return TRUE;
}

/**
 * dockyard_requirements_load:
 * @root: (nullable): the project folder: nothing outside it is read
 * @file: the requirements file
 * @file_name: (nullable): how to name it in the items (default: its path)
 *
 * Reads @file and the files it includes with -r and -c (relative to the
 * including file), each with dockyard_read_file(): regular files only,
 * bounded, and with @root nothing outside @root, whether named with `..`,
 * an absolute path or through a link.  Only a failure to read @file itself
 * is an error; includes that exist but are not read are listed by
 * dockyard_requirements_get_unread().  Blocking: call it in a thread.
 *
 * Returns: (transfer full): the requirements of all files, or %NULL
 */
DockyardRequirements *
dockyard_requirements_load (GFile         *root,
                            GFile         *file,
                            const char    *file_name,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(DockyardRequirements) self = requirements_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *path = NULL;

  g_return_val_if_fail (root == NULL || G_IS_FILE (root), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (file_name == NULL)
    file_name = path = g_file_get_path (file);
  if (file_name == NULL)
    file_name = "requirements.txt";

  if (!load_into (self, root, file, file_name, FALSE, seen, 0, cancellable, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * dockyard_requirements_get_unread:
 *
 * Returns: (transfer none) (element-type DockyardRequirementsUnread): the
 *   `-r`/`-c` includes that exist but were not read, and why
 */
GPtrArray *
dockyard_requirements_get_unread (const DockyardRequirements *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->unread;
}

guint
dockyard_requirements_get_n_items (const DockyardRequirements *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->items->len;
}

const DockyardRequirement *
dockyard_requirements_get_item (const DockyardRequirements *self,
                                guint                       index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->items->len, NULL);

  return g_ptr_array_index (self->items, index);
}

/**
 * dockyard_requirements_get_includes:
 *
 * Returns: (transfer none): the files named by -r and -c lines
 */
const char * const *
dockyard_requirements_get_includes (const DockyardRequirements *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->includes->pdata;
}

/**
 * dockyard_requirements_is_satisfied_pinned:
 *
 * Returns: %TRUE if @requirement is pinned itself or by a constraints file
 *   of @self
 */
gboolean
dockyard_requirements_is_satisfied_pinned (const DockyardRequirements *self,
                                           const DockyardRequirement  *requirement)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (requirement != NULL, FALSE);

  if (requirement->pinned)
    return TRUE;
  if (requirement->name == NULL)
    return FALSE;

  name = dockyard_requirement_normalize_name (requirement->name);
  for (guint i = 0; i < self->items->len; i++)
    {
      const DockyardRequirement *other = g_ptr_array_index (self->items, i);
      g_autofree char *other_name = NULL;

      if (!other->constraint || !other->pinned || other->name == NULL)
        continue;
      other_name = dockyard_requirement_normalize_name (other->name);
      if (g_str_equal (name, other_name))
        return TRUE;
    }

  return FALSE;
}
