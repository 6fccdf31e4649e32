/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-finding.h"
#include "dockyard-text-edit.h"

/* One problem found by a lint rule: a stable rule id (part of the command
 * line interface), where it is, and optionally a fix as text edits of the
 * Dockerfile. */

struct _DockyardFinding
{
  GObject           parent_instance;

  char             *rule;
  char             *message;
  char             *file;
  DockyardSeverity  severity;
  guint             line;
  guint             column;
  gsize             offset;
  GPtrArray        *fix;
};

G_DEFINE_FINAL_TYPE (DockyardFinding, dockyard_finding, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (DockyardSeverity, dockyard_severity,
  G_DEFINE_ENUM_VALUE (DOCKYARD_SEVERITY_WARNING, "warning"),
  G_DEFINE_ENUM_VALUE (DOCKYARD_SEVERITY_ERROR, "error"))

enum {
  PROP_0,
  PROP_RULE,
  PROP_SEVERITY,
  PROP_MESSAGE,
  PROP_FILE,
  PROP_LINE,
  PROP_COLUMN,
  PROP_HAS_FIX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dockyard_finding_finalize (GObject *object)
{
  DockyardFinding *self = (DockyardFinding *) object;

  g_free (self->rule);
  g_free (self->message);
  g_free (self->file);
  g_clear_pointer (&self->fix, g_ptr_array_unref);

  G_OBJECT_CLASS (dockyard_finding_parent_class)->finalize (object);
}

static void
dockyard_finding_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DockyardFinding *self = DOCKYARD_FINDING (object);

  switch (prop_id)
    {
    case PROP_RULE:
      g_value_set_string (value, self->rule);
      break;
    case PROP_SEVERITY:
      g_value_set_enum (value, self->severity);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_FILE:
      g_value_set_string (value, self->file);
      break;
    case PROP_LINE:
      g_value_set_uint (value, self->line);
      break;
    case PROP_COLUMN:
      g_value_set_uint (value, self->column);
      break;
    case PROP_HAS_FIX:
      g_value_set_boolean (value, dockyard_finding_has_fix (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_finding_class_init (DockyardFindingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_finding_finalize;
  object_class->get_property = dockyard_finding_get_property;

  properties[PROP_RULE] =
    g_param_spec_string ("rule", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEVERITY] =
    g_param_spec_enum ("severity", NULL, NULL, DOCKYARD_TYPE_SEVERITY, DOCKYARD_SEVERITY_WARNING,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_string ("file", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LINE] =
    g_param_spec_uint ("line", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLUMN] =
    g_param_spec_uint ("column", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_FIX] =
    g_param_spec_boolean ("has-fix", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_finding_init (DockyardFinding *self)
{
}

/**
 * dockyard_finding_new:
 * @rule: the rule id, e.g. "pip-cache-mount"
 * @file: (nullable): the file, %NULL for the Dockerfile itself
 * @offset: byte offset in the Dockerfile (0 for other files)
 *
 * Returns: (transfer full): a new finding without fix
 */
DockyardFinding *
dockyard_finding_new (const char       *rule,
                      DockyardSeverity  severity,
                      const char       *message,
                      const char       *file,
                      guint             line,
                      guint             column,
                      gsize             offset)
{
  DockyardFinding *self;

  g_return_val_if_fail (rule != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  self = g_object_new (DOCKYARD_TYPE_FINDING, NULL);
  self->rule = g_strdup (rule);
  self->severity = severity;
  self->message = g_strdup (message);
  self->file = g_strdup (file);
  self->line = line;
  self->column = column;
  self->offset = offset;

  return self;
}

const char *
dockyard_finding_get_rule (DockyardFinding *self)
{
  g_return_val_if_fail (DOCKYARD_IS_FINDING (self), NULL);

  return self->rule;
}

DockyardSeverity
dockyard_finding_get_severity (DockyardFinding *self)
{
  g_return_val_if_fail (DOCKYARD_IS_FINDING (self), DOCKYARD_SEVERITY_WARNING);

  return self->severity;
}

/**
 * dockyard_finding_set_severity:
 * @self: a finding
 * @severity: the new severity
 *
 * Used where the Dockerfile raises its findings to errors
 * (`# check=error=true`).
 */
void
dockyard_finding_set_severity (DockyardFinding  *self,
                               DockyardSeverity  severity)
{
  g_return_if_fail (DOCKYARD_IS_FINDING (self));

  if (self->severity == severity)
    return;
  self->severity = severity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEVERITY]);
}

const char *
dockyard_finding_get_message (DockyardFinding *self)
{
  g_return_val_if_fail (DOCKYARD_IS_FINDING (self), NULL);

  return self->message;
}

/**
 * dockyard_finding_get_file:
 *
 * Returns: (nullable): the file the finding is in when it is not the
 *   Dockerfile (a requirements file, relative to the build context)
 */
const char *
dockyard_finding_get_file (DockyardFinding *self)
{
  g_return_val_if_fail (DOCKYARD_IS_FINDING (self), NULL);

  return self->file;
}

guint
dockyard_finding_get_line (DockyardFinding *self)
{
  g_return_val_if_fail (DOCKYARD_IS_FINDING (self), 0);

  return self->line;
}

guint
dockyard_finding_get_column (DockyardFinding *self)
{
  g_return_val_if_fail (DOCKYARD_IS_FINDING (self), 0);

  return self->column;
}

gsize
dockyard_finding_get_offset (DockyardFinding *self)
{
  g_return_val_if_fail (DOCKYARD_IS_FINDING (self), 0);

  return self->offset;
}

/**
 * dockyard_finding_get_fix:
 *
 * Returns: (transfer none) (nullable) (element-type DockyardTextEdit):
 *   the edits of the Dockerfile text that fix the finding
 */
GPtrArray *
dockyard_finding_get_fix (DockyardFinding *self)
{
  g_return_val_if_fail (DOCKYARD_IS_FINDING (self), NULL);

  return self->fix;
}

/**
 * dockyard_finding_set_fix:
 * @edits: (transfer none) (nullable) (element-type DockyardTextEdit):
 */
void
dockyard_finding_set_fix (DockyardFinding *self,
                          GPtrArray       *edits)
{
  g_return_if_fail (DOCKYARD_IS_FINDING (self));

  if (edits == self->fix)
    return;

  g_clear_pointer (&self->fix, g_ptr_array_unref);
  if (edits != NULL && edits->len > 0)
    self->fix = g_ptr_array_ref (edits);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_FIX]);
}

gboolean
dockyard_finding_has_fix (DockyardFinding *self)
{
  g_return_val_if_fail (DOCKYARD_IS_FINDING (self), FALSE);

  return self->fix != NULL && self->fix->len > 0;
}

/**
 * dockyard_finding_compare:
 *
 * Orders findings by file (the Dockerfile first), line, column and rule.
 */
int
dockyard_finding_compare (DockyardFinding *a,
                          DockyardFinding *b)
{
  int cmp;

  if ((a->file == NULL) != (b->file == NULL))
    return a->file == NULL ? -1 : 1;
  if ((cmp = g_strcmp0 (a->file, b->file)) != 0)
    return cmp;
  if (a->line != b->line)
    return a->line < b->line ? -1 : 1;
  if (a->column != b->column)
    return a->column < b->column ? -1 : 1;
  return g_strcmp0 (a->rule, b->rule);
}
