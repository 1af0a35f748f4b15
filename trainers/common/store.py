"""Artifact I/O for jobs: file:// and s3:// URIs, every read checked by sha256.

S3 credentials come from the job's environment under the variable names the store config gives
(never from the spec). Objects carry their sha256 in metadata, so an upload that finds the same
object already there skips it; a large file goes up in parts and an interrupted multipart upload
of the same content is resumed from the parts the server already holds (each part checked by its
MD5 ETag).
"""

import hashlib
import json
import os
import tempfile
from urllib.parse import unquote, urlparse

from common.errors import DrillError

MANIFEST = "manifest.json"


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _s3_parts(uri: str) -> tuple:
    parsed = urlparse(uri)
    return parsed.netloc, parsed.path.lstrip("/")


def _not_found(err: Exception) -> bool:
    # botocore's ClientError, told apart without importing botocore (file stores never load it).
    return type(err).__name__ == "ClientError" and "404" in str(err)


def _file_path(uri: str) -> str:
    return unquote(urlparse(uri).path)


class Store:
    def __init__(self, config: dict):
        self.config = config
        self._client = None
        self.part_size = int(config.get("partSizeMiB", 8)) * 1024 * 1024

    @property
    def s3(self):
        if self._client is None:
            import boto3
            from botocore.config import Config

            cfg = self.config
            key_env = cfg.get("accessKeyIdEnv", "AWS_ACCESS_KEY_ID")
            secret_env = cfg.get("secretAccessKeyEnv", "AWS_SECRET_ACCESS_KEY")
            self._client = boto3.client(
                "s3",
                endpoint_url=cfg.get("endpoint"),
                region_name=cfg.get("region", "us-east-1"),
                aws_access_key_id=os.environ.get(key_env),
                aws_secret_access_key=os.environ.get(secret_env),
                config=Config(s3={"addressing_style": "path" if cfg.get("forcePathStyle", True) else "auto"}),
            )
        return self._client

    # -- single objects ---------------------------------------------------------------------

    def get_file(self, uri: str, dest: str, sha256: str | None = None, what: str = "") -> None:
        """Downloads `uri` to `dest` (atomically), checking its sha256 when given."""
        os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
        tmp = f"{dest}.part"
        try:
            if uri.startswith("s3://"):
                bucket, key = _s3_parts(uri)
                self.s3.download_file(bucket, key, tmp)
            else:
                with open(_file_path(uri), "rb") as src, open(tmp, "wb") as out:
                    out.write(src.read())
        except FileNotFoundError:
            raise DrillError("invalid-input", f"{what or uri}: {uri} does not exist")
        except Exception as err:
            if _not_found(err):
                raise DrillError("invalid-input", f"{what or uri}: {uri} does not exist")
            raise
        if sha256 is not None:
            got = sha256_file(tmp)
            if got != sha256:
                os.remove(tmp)
                raise DrillError("invalid-input", f"{what or uri}: sha256 of {uri} is {got}, the spec says {sha256}")
        os.replace(tmp, dest)

    def read_text(self, uri: str, sha256: str | None = None, what: str = "") -> str:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "obj")
            self.get_file(uri, path, sha256, what)
            with open(path, encoding="utf8") as f:
                return f.read()

    def exists_with_sha(self, uri: str, sha256: str) -> bool:
        if uri.startswith("s3://"):
            bucket, key = _s3_parts(uri)
            try:
                head = self.s3.head_object(Bucket=bucket, Key=key)
            except Exception:  # noqa: BLE001 - absent or unreadable: upload it
                return False
            return head.get("Metadata", {}).get("sha256") == sha256
        path = _file_path(uri)
        return os.path.exists(path) and sha256_file(path) == sha256

    def put_file(self, path: str, uri: str) -> str:
        """Uploads a local file unless the same content is already there; returns its sha256."""
        sha = sha256_file(path)
        if self.exists_with_sha(uri, sha):
            return sha
        if uri.startswith("s3://"):
            bucket, key = _s3_parts(uri)
            if os.path.getsize(path) <= self.part_size:
                with open(path, "rb") as f:
                    self.s3.put_object(Bucket=bucket, Key=key, Body=f, Metadata={"sha256": sha})
            else:
                self._multipart(path, bucket, key, sha)
        else:
            dest = _file_path(uri)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(path, "rb") as src, open(f"{dest}.part", "wb") as out:
                out.write(src.read())
            os.replace(f"{dest}.part", dest)
        return sha

    def put_json(self, uri: str, value) -> None:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "obj.json")
            with open(path, "w", encoding="utf8") as f:
                json.dump(value, f, indent=2)
            self.put_file(path, uri)

    def _multipart(self, path: str, bucket: str, key: str, sha: str) -> None:
        """A resumable multipart upload. S3 does not show an unfinished upload's metadata, so a
        marker object `<key>.multipart.json` names the upload and the sha256 it is for: only an
        upload of the same content is resumed (its parts with the right MD5 kept), since the
        object takes its sha256 metadata from the upload's start. Unfinished uploads of other
        content to this key are aborted: nobody will complete them, the key now gets this file."""
        s3 = self.s3
        marker = f"{key}.multipart.json"
        pending = [
            u["UploadId"]
            for u in s3.list_multipart_uploads(Bucket=bucket, Prefix=key).get("Uploads", [])
            if u["Key"] == key
        ]
        upload_id = None
        if pending:
            try:
                mine = json.loads(s3.get_object(Bucket=bucket, Key=marker)["Body"].read())
            except Exception:  # noqa: BLE001 - no marker: none of these uploads is known to be ours
                mine = {}
            if mine.get("sha256") == sha and mine.get("uploadId") in pending:
                upload_id = mine["uploadId"]
        for stale in pending:
            if stale != upload_id:
                s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=stale)
        have = {}
        if upload_id is None:
            upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, Metadata={"sha256": sha})["UploadId"]
            s3.put_object(Bucket=bucket, Key=marker, Body=json.dumps({"sha256": sha, "uploadId": upload_id}).encode())
        else:
            for page in s3.get_paginator("list_parts").paginate(Bucket=bucket, Key=key, UploadId=upload_id):
                have.update({p["PartNumber"]: p["ETag"].strip('"') for p in page.get("Parts", [])})
            print(f"[drill] resuming the upload of {key}: {len(have)} parts already there", flush=True)
        parts = []
        with open(path, "rb") as f:
            number = 1
            while chunk := f.read(self.part_size):
                etag = hashlib.md5(chunk).hexdigest()
                if have.get(number) != etag:
                    etag = s3.upload_part(
                        Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=chunk
                    )["ETag"].strip('"')
                parts.append({"PartNumber": number, "ETag": f'"{etag}"'})
                number += 1
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
        s3.delete_object(Bucket=bucket, Key=marker)

    # -- weight folders ---------------------------------------------------------------------

    def put_folder(self, local: str, uri: str) -> dict:
        """Uploads a folder file by file, then its manifest (sha256 per file) last: a folder
        whose manifest exists is complete. Files already uploaded with the same sha are skipped."""
        files = {}
        for root, _, names in os.walk(local):
            for name in sorted(names):
                full = os.path.join(root, name)
                rel = os.path.relpath(full, local)
                if rel == MANIFEST:
                    continue
                files[rel] = {"sha256": self.put_file(full, uri + rel), "bytes": os.path.getsize(full)}
        manifest = {"files": dict(sorted(files.items()))}
        self.put_json(uri + MANIFEST, manifest)
        return manifest

    def get_folder(self, uri: str, dest: str, what: str, manifest_text: str | None = None) -> None:
        """Downloads a folder written by put_folder, checking every file's sha256; files already in
        `dest` with the right sha256 are not downloaded again. `manifest_text`: the manifest as
        the caller already read it (the files must be the ones it names)."""
        manifest = json.loads(manifest_text if manifest_text is not None else self.read_text(uri + MANIFEST, what=what))
        for rel, meta in manifest["files"].items():
            path = os.path.join(dest, rel)
            # A file that an interrupted download already got (get_file writes atomically) is kept.
            if not (os.path.isfile(path) and sha256_file(path) == meta["sha256"]):
                self.get_file(uri + rel, path, meta["sha256"], what)

    def exists(self, uri: str) -> bool:
        if uri.startswith("s3://"):
            bucket, key = _s3_parts(uri)
            try:
                self.s3.head_object(Bucket=bucket, Key=key)
            except Exception as err:
                if _not_found(err):
                    return False
                raise
            return True
        return os.path.exists(_file_path(uri))
