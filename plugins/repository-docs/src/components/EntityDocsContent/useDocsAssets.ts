import { useCallback, useEffect, useMemo, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { repositoryDocsApiRef } from '../../api';

type Listener = (path: string, objectUrl: string) => void;

/**
 * Downloads the images of one repository through the API client (so each
 * request carries the user's token) and turns them into object URLs, which
 * it revokes when stopped.
 */
class DocsAssetLoader {
  private readonly requested = new Set<string>();
  private readonly created: string[] = [];
  private listener?: Listener;

  constructor(private readonly load: (path: string) => Promise<Blob>) {}

  /** Starts a download, once per path. */
  request(path: string) {
    if (this.requested.has(path)) return;
    this.requested.add(path);
    this.load(path).then(
      blob => {
        if (!this.listener) return;
        const url = URL.createObjectURL(blob);
        this.created.push(url);
        this.listener(path, url);
      },
      () => {
        // A missing or refused image stays empty, like a broken image.
      },
    );
  }

  start(listener: Listener) {
    this.listener = listener;
  }

  stop() {
    this.listener = undefined;
    this.created.splice(0).forEach(url => URL.revokeObjectURL(url));
    this.requested.clear();
  }
}

/**
 * Returns a function from a repository path to the object URL of that image,
 * or `''` until it has loaded. MarkdownContent only offers a synchronous
 * `transformImageUri`, so asking for an image starts its download, and the
 * returned function changes (so Markdown renders again) when it arrives.
 */
export function useDocsAssets(entityRef: string): (path: string) => string {
  const api = useApi(repositoryDocsApiRef);
  const loader = useMemo(
    () => new DocsAssetLoader(path => api.getDocsAsset(entityRef, path)),
    [api, entityRef],
  );
  const [loaded, setLoaded] = useState<{
    loader?: DocsAssetLoader;
    urls: ReadonlyMap<string, string>;
  }>({ urls: new Map() });

  useEffect(() => {
    loader.start((path, url) =>
      setLoaded(prev => ({
        loader,
        urls: new Map(prev.loader === loader ? prev.urls : []).set(path, url),
      })),
    );
    return () => loader.stop();
  }, [loader]);

  return useCallback(
    (path: string) => {
      const url = loaded.loader === loader ? loaded.urls.get(path) : undefined;
      if (url) return url;
      loader.request(path);
      return '';
    },
    [loader, loaded],
  );
}
