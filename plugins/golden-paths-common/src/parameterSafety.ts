/** Limits on what a template request may carry. */
export const PARAMETER_LIMITS = {
  /** The whole request, as JSON. */
  maxTotalBytes: 64 * 1024,
  /** One string value. */
  maxStringLength: 4096,
  /** Nesting of objects and arrays. */
  maxDepth: 8,
} as const;

const TRAVERSAL = /(^|[\\/])\.\.([\\/]|$)/;
/** Keys that reach an object's prototype when merged somewhere. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// Control characters but tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Problems of hostile or oversized parameters, before any rule looks at
 * them: path traversal, control characters, huge strings, deep nesting.
 * Each problem names the parameter path.
 */
export function checkParameterSafety(
  parameters: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  let bytes: number;
  try {
    bytes = new TextEncoder().encode(JSON.stringify(parameters ?? {})).length;
  } catch {
    // JSON.stringify runs out of stack on a deep enough request (a few
    // kilobytes of nested brackets).
    return [
      `parameters are nested too deeply to be read (at most ${PARAMETER_LIMITS.maxDepth} levels allowed)`,
    ];
  }
  if (bytes > PARAMETER_LIMITS.maxTotalBytes) {
    return [
      `parameters are ${bytes} bytes, at most ${PARAMETER_LIMITS.maxTotalBytes} allowed`,
    ];
  }
  const visit = (value: unknown, path: string, depth: number) => {
    if (depth > PARAMETER_LIMITS.maxDepth) {
      problems.push(
        `${path} is nested deeper than ${PARAMETER_LIMITS.maxDepth} levels`,
      );
      return;
    }
    if (typeof value === 'string') {
      if (value.length > PARAMETER_LIMITS.maxStringLength) {
        problems.push(
          `${path} is ${value.length} characters long, at most ${PARAMETER_LIMITS.maxStringLength} allowed`,
        );
      }
      if (TRAVERSAL.test(value)) {
        problems.push(`${path} contains a ".." path segment`);
      }
      if (CONTROL.test(value)) {
        problems.push(`${path} contains control characters`);
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`, depth + 1));
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (FORBIDDEN_KEYS.has(key)) {
          problems.push(`${path}.${key} is not an allowed key`);
          continue;
        }
        visit(v, `${path}.${key}`, depth + 1);
      }
    }
  };
  for (const [key, value] of Object.entries(parameters ?? {})) {
    // Top-level keys too: `{"__proto__": ...}` is as dangerous there.
    if (FORBIDDEN_KEYS.has(key)) {
      problems.push(`${key} is not an allowed key`);
      continue;
    }
    visit(value, key, 1);
  }
  return problems;
}
