/** What `tapecoord media` refuses, naming the medium and what is wrong with it. */
export type MediaErrorCode =
  | 'not-seekable' // butm media are read and written by position
  | 'protected' // the label is unexpired or permanent: overwriting needs --force / -pname
  | 'bad-stream' // a volume dump stream failed validation
  | 'not-found' // no such volume / index on the media
  | 'wrong-medium' // a later medium is not the continuation asked for
  | 'volume-too-large' // a volume that does not fit on an empty medium
  | 'no-next-medium'; // a dump or extract needs another medium and nothing supplies one

export class MediaError extends Error {
  constructor(
    readonly code: MediaErrorCode,
    readonly medium: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${medium}: ${message}`, options);
    this.name = 'MediaError';
  }
}
