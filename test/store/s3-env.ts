/**
 * The dev S3 server's coordinates from the environment `bash infra/stack.sh env` prints. Missing
 * variables fail the test run: S3 tests never skip.
 */
export function s3TestEnv(env: NodeJS.ProcessEnv = process.env): {
  endpoint: string;
  bucket: string;
  region: string;
  forcePathStyle: true;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  const names = [
    'DRILL_S3_ENDPOINT',
    'DRILL_S3_BUCKET',
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
  ];
  const missing = names.filter((name) => !env[name]);
  if (missing.length) {
    throw new Error(
      `S3 tests need ${missing.join(', ')}: run them through npm test, or start the stack and source .drill/stack/env`,
    );
  }
  const get = (name: string): string => env[name] as string;
  return {
    endpoint: get('DRILL_S3_ENDPOINT'),
    bucket: get('DRILL_S3_BUCKET'),
    region: get('AWS_REGION'),
    forcePathStyle: true,
    credentials: { accessKeyId: get('AWS_ACCESS_KEY_ID'), secretAccessKey: get('AWS_SECRET_ACCESS_KEY') },
  };
}
