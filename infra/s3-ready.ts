/**
 * Waits until the dev S3 gateway accepts a signed request, creating the bucket if it is missing.
 * Run by infra/stack.sh with its env exported: node --import tsx infra/s3-ready.ts <timeoutSeconds>
 */
import { CreateBucketCommand, HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

const bucket = required('DRILL_S3_BUCKET');
const client = new S3Client({
  endpoint: required('DRILL_S3_ENDPOINT'),
  region: required('AWS_REGION'),
  forcePathStyle: true,
  credentials: {
    accessKeyId: required('AWS_ACCESS_KEY_ID'),
    secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
  },
  maxAttempts: 1,
});

async function ensureBucket(): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (!(err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)) throw err;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}

const deadline = Date.now() + Number(process.argv[2] ?? 60) * 1000;
for (;;) {
  try {
    await ensureBucket();
    break;
  } catch (err) {
    if (Date.now() > deadline) {
      console.error(
        `s3-ready: last error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
      );
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
client.destroy();
