import packageJson from '../package.json' with { type: 'json' };

/** The running build's version, as released (package.json). */
export const version: string = packageJson.version;
