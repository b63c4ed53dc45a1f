import { request as httpRequest } from 'node:http';

/**
 * The status a gateway answers a form whose headers announce `megabytes` of upload and whose body
 * never comes, sent with `key`: a gateway that waits for the upload before refusing a wrong key
 * rejects the promise after 3 s.
 */
export function statusBeforeUpload(url: string, key: string, megabytes: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const pending = httpRequest(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(megabytes * 1024 * 1024) },
    });
    const giveUp = setTimeout(() => {
      pending.destroy();
      reject(new Error('no answer within 3 s: the gateway waited for the upload'));
    }, 3_000);
    pending.on('response', (response) => {
      clearTimeout(giveUp);
      response.resume();
      resolve(response.statusCode!);
      pending.destroy();
    });
    pending.on('error', reject);
    pending.flushHeaders();
  });
}
