/**
 * Reads a browser form post: `application/x-www-form-urlencoded` with URLSearchParams, and
 * `multipart/form-data` (file uploads, e.g. an EPR import) with busboy. Limits are enforced while
 * reading, so an oversized post fails fast with FormTooLargeError (shown as a 413 page).
 */
import busboy from 'busboy';

export interface UploadedFile {
  /** The form field the file came in. */
  readonly field: string;
  /** The file's name as the browser sent it (never used as a path). */
  readonly filename: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
}

export interface ParsedForm {
  /** Every text field, in order; `get` gives the first value, `getAll` every value. */
  readonly fields: URLSearchParams;
  readonly files: readonly UploadedFile[];
}

export const FORM_LIMITS = {
  /** An ordinary form: a text message and a note fit many times over. */
  urlencodedBytes: 100 * 1024,
  /** One uploaded file: the admin import's own cap. */
  fileBytes: 1024 * 1024,
  files: 1,
  fields: 100,
  fieldBytes: 64 * 1024,
} as const;

export class FormTooLargeError extends Error {
  override readonly name = 'FormTooLargeError';
}

export class FormUnreadableError extends Error {
  override readonly name = 'FormUnreadableError';
}

const EMPTY: ParsedForm = { fields: new URLSearchParams(), files: [] };

/** Parses the body of a POST from a browser form. Other content types give an empty form. */
export async function readForm(request: Request): Promise<ParsedForm> {
  const contentType = request.headers.get('content-type') ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/x-www-form-urlencoded') {
    const bytes = Buffer.from(await request.arrayBuffer());
    if (bytes.length > FORM_LIMITS.urlencodedBytes) throw new FormTooLargeError('form body too large');
    return { fields: new URLSearchParams(bytes.toString('utf8')), files: [] };
  }
  if (mediaType === 'multipart/form-data') {
    return readMultipart(contentType, Buffer.from(await request.arrayBuffer()));
  }
  return EMPTY;
}

function readMultipart(contentType: string, body: Buffer): Promise<ParsedForm> {
  return new Promise((resolve, reject) => {
    const fields = new URLSearchParams();
    const files: UploadedFile[] = [];
    let failure: Error | undefined;
    const fail = (err: Error) => {
      failure ??= err;
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: {
          fileSize: FORM_LIMITS.fileBytes,
          files: FORM_LIMITS.files,
          fields: FORM_LIMITS.fields,
          fieldSize: FORM_LIMITS.fieldBytes,
        },
      });
    } catch (err) {
      reject(new FormUnreadableError('malformed multipart form', { cause: err }));
      return;
    }
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new FormTooLargeError(`field ${name} too large`));
      fields.append(name, value);
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new FormTooLargeError('uploaded file too large')));
      stream.on('close', () => {
        // A file input left empty still sends a part with no name and no bytes.
        if (info.filename || chunks.length > 0) {
          files.push({
            field,
            filename: info.filename ?? '',
            mimeType: info.mimeType,
            bytes: Buffer.concat(chunks),
          });
        }
      });
    });
    parser.on('filesLimit', () => fail(new FormTooLargeError('too many files')));
    parser.on('fieldsLimit', () => fail(new FormTooLargeError('too many fields')));
    parser.on('error', (err: Error) =>
      reject(new FormUnreadableError('malformed multipart form', { cause: err })),
    );
    parser.on('close', () => (failure ? reject(failure) : resolve({ fields, files })));
    parser.end(body);
  });
}
