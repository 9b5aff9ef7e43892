import type express from 'express';

/**
 * Answers the body parser's errors in Backstage's error shape: an oversized
 * body is 413 naming the limit, a body that is not valid JSON is 400, an
 * unsupported encoding is 415. Other errors go on to the plugin's handler.
 */
export function bodyParserErrors(): express.ErrorRequestHandler {
  return (error, _req, res, next) => {
    const type = (error as { type?: string })?.type;
    if (type === 'entity.too.large') {
      res.status(413).json({
        error: {
          name: 'PayloadTooLargeError',
          message: `body is larger than the limit of ${
            (error as { limit?: number }).limit
          } bytes`,
        },
      });
      return;
    }
    if (type === 'entity.parse.failed') {
      res.status(400).json({
        error: { name: 'InputError', message: 'body is not valid JSON' },
      });
      return;
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      res.status(415).json({
        error: {
          name: 'UnsupportedMediaTypeError',
          message: (error as Error).message,
        },
      });
      return;
    }
    next(error);
  };
}
