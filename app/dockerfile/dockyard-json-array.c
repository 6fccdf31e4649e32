/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-dockerfile-private.h"

/* JSON arrays of the exec form (RUN ["a", "b"]), with Go's encoding/json
 * acceptance rules, as BuildKit reads them. */

#define JSON_MAX_DEPTH 10000

static inline gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (const char *s,
           gsize       pos,
           gsize       b,
           guint      *value)
{
  guint v = 0;

  if (pos + 4 > b)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      int h = hex_value (s[pos + i]);

      if (h < 0)
        return FALSE;
      v = v * 16 + (guint) h;
    }
  *value = v;
  return TRUE;
}

/* Reads a JSON string at s[*pos] == '"'; decodes into @out if not NULL. */
static gboolean
json_string (const char *s,
             gsize      *pos,
             gsize       b,
             GString    *out)
{
  gsize i = *pos + 1;

  while (i < b)
    {
      guchar c = (guchar) s[i];

      if (c == '"')
        {
          *pos = i + 1;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        {
          if (out != NULL)
            g_string_append_c (out, (char) c);
          i++;
          continue;
        }

      if (i + 1 >= b)
        return FALSE;
      c = (guchar) s[i + 1];
      i += 2;
      switch (c)
        {
        case '"': case '\\': case '/':
          if (out != NULL)
            g_string_append_c (out, (char) c);
          break;
        case 'b': if (out != NULL) g_string_append_c (out, '\b'); break;
        case 'f': if (out != NULL) g_string_append_c (out, '\f'); break;
        case 'n': if (out != NULL) g_string_append_c (out, '\n'); break;
        case 'r': if (out != NULL) g_string_append_c (out, '\r'); break;
        case 't': if (out != NULL) g_string_append_c (out, '\t'); break;
        case 'u':
          {
            guint u;

            if (!read_hex4 (s, i, b, &u))
              return FALSE;
            i += 4;
            if (u >= 0xD800 && u < 0xDC00)
              {
                guint low;

                /* A surrogate pair, or the replacement character. */
                if (i + 6 <= b && s[i] == '\\' && s[i + 1] == 'u' &&
                    read_hex4 (s, i + 2, b, &low) && low >= 0xDC00 && low < 0xE000)
                  {
                    u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                  }
                else
                  u = 0xFFFD;
              }
            else if (u >= 0xDC00 && u < 0xE000)
              u = 0xFFFD;

            if (out != NULL)
              {
                if (u == 0)
                  g_string_append_len (out, "\xC0\x80", 2);
                else
                  g_string_append_unichar (out, u);
              }
          }
          break;
        default:
          return FALSE;
        }
    }

  return FALSE;
}

static gboolean
json_number (const char *s,
             gsize      *pos,
             gsize       b)
{
  gsize i = *pos;

  if (i < b && s[i] == '-')
    i++;
  if (i >= b)
    return FALSE;
  if (s[i] == '0')
    i++;
  else if (s[i] >= '1' && s[i] <= '9')
    while (i < b && g_ascii_isdigit (s[i]))
      i++;
  else
    return FALSE;

  if (i < b && s[i] == '.')
    {
      i++;
      if (i >= b || !g_ascii_isdigit (s[i]))
        return FALSE;
      while (i < b && g_ascii_isdigit (s[i]))
        i++;
    }
  if (i < b && (s[i] == 'e' || s[i] == 'E'))
    {
      i++;
      if (i < b && (s[i] == '+' || s[i] == '-'))
        i++;
      if (i >= b || !g_ascii_isdigit (s[i]))
        return FALSE;
      while (i < b && g_ascii_isdigit (s[i]))
        i++;
    }

  *pos = i;
  return TRUE;
}

/* Skips any JSON value (not a string at top level: those are decoded by
 * the caller) without recursion, so deep nesting cannot exhaust the stack. */
static gboolean
json_skip_value (const char *s,
                 gsize      *pos,
                 gsize       b,
                 guint       depth)
{
  g_autoptr(GByteArray) stack = g_byte_array_new ();
  gsize i = *pos;

  for (;;)
    {
      /* Expecting a value. */
      while (i < b && is_json_space (s[i]))
        i++;
      if (i >= b)
        return FALSE;

      if (s[i] == '[' || s[i] == '{')
        {
          guint8 open = (guint8) s[i];

          if (depth + stack->len + 1 > JSON_MAX_DEPTH)
            return FALSE;
          g_byte_array_append (stack, &open, 1);
          i++;
          while (i < b && is_json_space (s[i]))
            i++;
          if (i < b && ((open == '[' && s[i] == ']') || (open == '{' && s[i] == '}')))
            {
              g_byte_array_set_size (stack, stack->len - 1);
              i++;
              goto after_value;
            }
          if (open == '{')
            goto object_key;
          continue;
        }
      else if (s[i] == '"')
        {
          if (!json_string (s, &i, b, NULL))
            return FALSE;
        }
      else if (s[i] == '-' || g_ascii_isdigit (s[i]))
        {
          if (!json_number (s, &i, b))
            return FALSE;
        }
      else if (b - i >= 4 && (strncmp (s + i, "true", 4) == 0 || strncmp (s + i, "null", 4) == 0))
        i += 4;
      else if (b - i >= 5 && strncmp (s + i, "false", 5) == 0)
        i += 5;
      else
        return FALSE;

    after_value:
      for (;;)
        {
          guint8 top;

          if (stack->len == 0)
            {
              *pos = i;
              return TRUE;
            }
          top = stack->data[stack->len - 1];
          while (i < b && is_json_space (s[i]))
            i++;
          if (i >= b)
            return FALSE;
          if (s[i] == ',')
            {
              i++;
              if (top == '{')
                goto object_key;
              break;
            }
          if ((top == '[' && s[i] == ']') || (top == '{' && s[i] == '}'))
            {
              g_byte_array_set_size (stack, stack->len - 1);
              i++;
              continue;
            }
          return FALSE;
        }
      continue;

    object_key:
      while (i < b && is_json_space (s[i]))
        i++;
      if (i >= b || s[i] != '"' || !json_string (s, &i, b, NULL))
        return FALSE;
      while (i < b && is_json_space (s[i]))
        i++;
      if (i >= b || s[i] != ':')
        return FALSE;
      i++;
    }
}

DockyardJsonArray
_dockyard_parse_json_array (const char       *s,
                            gsize             a,
                            gsize             b,
                            DockyardWordFunc  func,
                            gpointer          user_data)
{
  gboolean all_strings = TRUE;
  gsize i = _dockyard_skip_go_space (s, a, b);

  if (i >= b || s[i] != '[')
    return DOCKYARD_JSON_ARRAY_INVALID;
  i++;

  while (i < b && is_json_space (s[i]))
    i++;
  if (i < b && s[i] == ']')
    {
      i++;
      goto end;
    }

  for (;;)
    {
      while (i < b && is_json_space (s[i]))
        i++;
      if (i >= b)
        return DOCKYARD_JSON_ARRAY_INVALID;

      if (s[i] == '"')
        {
          g_autoptr(GString) str = g_string_new (NULL);
          gsize start = i;

          if (!json_string (s, &i, b, str))
            return DOCKYARD_JSON_ARRAY_INVALID;
          func (str->str, start, i, user_data);
        }
      else
        {
          if (!json_skip_value (s, &i, b, 1))
            return DOCKYARD_JSON_ARRAY_INVALID;
          all_strings = FALSE;
        }

      while (i < b && is_json_space (s[i]))
        i++;
      if (i >= b)
        return DOCKYARD_JSON_ARRAY_INVALID;
      if (s[i] == ',')
        {
          i++;
          continue;
        }
      if (s[i] == ']')
        {
          i++;
          break;
        }
      return DOCKYARD_JSON_ARRAY_INVALID;
    }

end:
  while (i < b && is_json_space (s[i]))
    i++;
  if (i != b)
    return DOCKYARD_JSON_ARRAY_INVALID;

  return all_strings ? DOCKYARD_JSON_ARRAY_STRINGS : DOCKYARD_JSON_ARRAY_NOT_STRINGS;
}

