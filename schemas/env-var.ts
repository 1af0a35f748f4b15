import { z } from 'zod';

/** Secrets are referenced by environment-variable name only, never by value. */
export const EnvVarName = z
  .string()
  .regex(
    /^[A-Z_][A-Z0-9_]*$/,
    'must be the NAME of an environment variable (e.g. OPENAI_API_KEY), not a value',
  );
