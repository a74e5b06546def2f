// node-gyp-build ships no types: the one call load.ts makes.
declare module 'node-gyp-build' {
  /** The .node file to load from package directory `dir`: build/Release, build/Debug, then prebuilds/<platform>-<arch>/. Throws when none fits. */
  function path(dir: string): string;
  const nodeGypBuild: { path: typeof path };
  export default nodeGypBuild;
}
