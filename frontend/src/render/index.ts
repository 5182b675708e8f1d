export * from './renderer';
export * from './HexMapView';
export * from './glyphs';
