import pkg from '../../package.json';

/** The app's version, from package.json (bundled in, so it is right in every build). */
export const APP_VERSION: string = pkg.version;
