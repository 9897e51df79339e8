import { describe, expect, it } from 'vitest';
import { crsFromSrid, crsFromWkt, epsgFromName, resolveCrs } from './source-crs.ts';

const esri = (name: string, falseEasting: number, cm: number) =>
  `PROJCS["${name}",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",${falseEasting}],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",${cm}],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;

describe('reading a coordinate system', () => {
  it.each([
    ['CGCS2000_3_Degree_GK_CM_114E', 500000, 114, 4547],
    ['CGCS2000_3_Degree_GK_Zone_38', 38500000, 114, 4526],
    ['CGCS2000_6_Degree_GK_Zone_19', 19500000, 111, 4497],
    ['CGCS2000_6_Degree_GK_CM_111E', 500000, 111, 4508],
    ['CGCS2000_3_Degree_GK_CM_111E', 500000, 111, 4546],
  ])('matches the ESRI .prj %s to its EPSG code', (name, fe, cm, code) => {
    const crs = crsFromWkt(esri(name, fe, cm), 'a.prj');
    expect(crs.epsg).toBe(code);
    expect(crs.proj).toContain(`+lon_0=${cm} +k=1 +x_0=${fe} +y_0=0 +ellps=GRS80`);
  });

  it('reads the OGC WKT GDAL writes, UTM and Web Mercator', () => {
    const ogc = 'PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 114E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",114],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","4547"]]';
    expect(crsFromWkt(ogc, 'b.prj').epsg).toBe(4547);
    const utm = 'PROJCS["WGS_1984_UTM_Zone_49N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",111.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
    expect(crsFromWkt(utm, 'c.prj').epsg).toBe(32649);
    const web = 'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]';
    expect(crsFromWkt(web, 'd.prj')).toMatchObject({ epsg: 3857, proj: 'EPSG:3857' });
    const lonlat = crsFromWkt('GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]', 'e.prj');
    expect(lonlat.proj).toBeNull();
  });

  it('refuses Xian 80 and Beijing 54 without seven parameters, and takes them when given', () => {
    const xian = 'GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
    const beijing = 'GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
    expect(() => crsFromWkt(xian, 'xian.prj')).toThrow(/xian\.prj is on the Xian 80 datum.*towgs84=dx,dy,dz,rx,ry,rz,ds/);
    expect(() => crsFromWkt(beijing, 'bj.prj')).toThrow(/bj\.prj is on the Beijing 54 datum/);
    expect(crsFromWkt(xian, 'xian.prj', '24,-123,-94,0.02,-0.25,-0.13,1.1').proj).toBe('+proj=longlat +a=6378140 +rf=298.257 +towgs84=24,-123,-94,0.02,-0.25,-0.13,1.1 +no_defs');
    expect(() => crsFromWkt(xian, 'xian.prj', '1,2,3')).toThrow(/towgs84 "1,2,3" is not seven numbers/);
    expect(() => crsFromSrid(2383)).toThrow(/srid 2383 is on the Xian 80 datum.*\.prj/);
  });

  it('names GeoJSON crs members and srid options', () => {
    expect(epsgFromName('urn:ogc:def:crs:EPSG::4547')).toBe(4547);
    expect(epsgFromName('EPSG:4526')).toBe(4526);
    expect(epsgFromName('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe(4326);
    expect(crsFromSrid('EPSG:4547')).toMatchObject({ epsg: 4547, proj: 'EPSG:4547', label: 'EPSG:4547 CGCS2000 3° Gauss-Krüger CM 114E' });
    expect(crsFromSrid(4513).label).toBe('EPSG:4513 CGCS2000 3° Gauss-Krüger zone 25');
    expect(() => crsFromSrid(2000)).toThrow(/srid 2000 is not a coordinate system the importer knows/);
  });

  it('assumes degrees only when the coordinates are degrees, and otherwise says what is missing', () => {
    expect(resolveCrs({}, null, [113, 22, 114, 23], 'a.shp', 'no .prj')).toMatchObject({ proj: null, assumed: true });
    expect(() => resolveCrs({}, null, [38400000, 2400000, 38600000, 2500000], 'a.shp', 'no .prj')).toThrow(
      'a.shp has no .prj and its coordinates (x 38400000..38600000, y 2400000..2500000) are not longitude/latitude degrees; send its .prj with it, or give the coordinate system as srid (e.g. srid=4547 for CGCS2000 3° Gauss-Krüger CM 114E)',
    );
    expect(resolveCrs({ srid: 4526 }, null, [38400000, 2400000, 38600000, 2500000], 'a.shp', 'no .prj').epsg).toBe(4526);
  });
});
