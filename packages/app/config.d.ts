export interface Config {
  portal?: {
    signIn?: {
      /**
       * Sign-in methods offered on the sign-in page, in order:
       * `guest` (development only), `oidc`, `github`.
       * @visibility frontend
       */
      providers?: string[];
    };
  };
}
