// The configuration module is geodata/config/config.ts (one schema for the server, the tile
// service and the command-line tools); the server's modules keep importing it from here.
export { CONFIG_VARIABLES, ConfigError, loadConfig, type Config } from '../geodata/config/config.ts';
