// The names of a workspace's Crucible config, apart from load.ts so the editor can recognise the file
// without loading the YAML parser and the schema validator (they load when such a file is opened).
export const CONFIG_FILE = 'crucible.yaml';
/** Looked for in this order; JSON is YAML, so crucible.json is read the same way. */
export const CONFIG_FILES = [CONFIG_FILE, 'crucible.yml', 'crucible.json'];
