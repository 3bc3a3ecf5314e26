// Its own bundle (dist/lazy/config.js, esbuild.mjs): the crucible.yaml reader (YAML parser, schema
// validator), loaded when a config file is read rather than at activation.
export * from '../../server/config/load';
