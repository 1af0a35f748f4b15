import { z } from 'zod';

/**
 * A model or checkpoint name (an API model id, a Hugging Face id, a local path). It reaches job
 * specs, trainer arguments, folder names and search attributes, so characters a shell or a path
 * would give meaning to are refused here rather than escaped everywhere: no whitespace, quotes,
 * `$`, backticks, `;`, `|`, `&`, `<`, `>`, backslashes or control bytes, no ".." segment, and no
 * leading "-" (it would read as an option).
 */
export const ModelName = z
  .string()
  .min(1)
  .max(256)
  .regex(
    /^[A-Za-z0-9_./:@+=][A-Za-z0-9_./:@+=-]*$/,
    'letters, digits and _ . / : @ + = - only, not starting with "-" (it names jobs, folders and arguments)',
  )
  .refine((name) => !name.split('/').includes('..'), 'no ".." path segment');
