/**
 * The formats of the one export service (geodata/export/), declared once for the server and
 * the web app's download menus (this file holds no server code).
 */
export const EXPORT_FORMATS = ['csv', 'xlsx', 'geojson', 'fgb', 'gpkg', 'shp'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The formats any list can take; the others need a point location per row. */
export const TABLE_FORMATS = ['csv', 'xlsx'] as const satisfies readonly ExportFormat[];
/** The shapefile's .dbf encoding: UTF-8 (with a .cpg saying so) or GBK for older desktop GIS. */
export const SHAPEFILE_ENCODINGS = ['utf8', 'gbk'] as const;
export type ShapefileEncoding = (typeof SHAPEFILE_ENCODINGS)[number];

export interface ExportChoice {
  /** Used in element ids and data-action attributes: export-<id>. */
  readonly id: string;
  readonly format: ExportFormat;
  readonly encoding?: ShapefileEncoding;
  /** The format's own name, the same in every language. */
  readonly label: string;
}

/** What a download menu offers, in this order: every format, the shapefile in both encodings. */
export const EXPORT_CHOICES: readonly ExportChoice[] = [
  { id: 'csv', format: 'csv', label: 'CSV' },
  { id: 'xlsx', format: 'xlsx', label: 'XLSX' },
  { id: 'geojson', format: 'geojson', label: 'GeoJSON' },
  { id: 'fgb', format: 'fgb', label: 'FlatGeobuf' },
  { id: 'gpkg', format: 'gpkg', label: 'GeoPackage' },
  { id: 'shp', format: 'shp', encoding: 'utf8', label: 'Shapefile (UTF-8)' },
  { id: 'shp-gbk', format: 'shp', encoding: 'gbk', label: 'Shapefile (GBK)' },
];
