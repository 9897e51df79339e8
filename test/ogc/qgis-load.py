"""Headless QGIS (Debian python3-qgis): load an OGC API - Features collection and the vector
tiles of this server with a Bearer token, print what QGIS saw as one JSON line.
Run as /usr/bin/python3 with QT_QPA_PLATFORM=offscreen; argv[1] is a JSON object
{ogc, token, collection, tiles, extent3857}."""
import json
import sys
import tempfile
import os

os.environ.setdefault('QGIS_AUTH_DB_DIR_PATH', tempfile.mkdtemp(prefix='yzt-qgis-auth-'))
from qgis.core import (QgsApplication, QgsAuthMethodConfig, QgsCoordinateReferenceSystem, QgsMapRendererSequentialJob,
                       QgsMapSettings, QgsRectangle, QgsVectorLayer, QgsVectorTileLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

args = json.loads(sys.argv[1])
app = QgsApplication([], False)
app.initQgis()
out = {}

# QGIS 3.22 sends a stored token with its EsriToken method (header X-Esri-Authorization: Bearer ...).
auth = QgsApplication.authManager()
auth.setMasterPassword('yzt-test-master', True)
cfg = QgsAuthMethodConfig('EsriToken')
cfg.setName('yizhangtu')
cfg.setConfig('token', args['token'])
auth.storeAuthenticationConfig(cfg)
authcfg = cfg.id()

layer = QgsVectorLayer(f"url='{args['ogc']}' typename='{args['collection']}' authcfg={authcfg}", args['collection'], 'OAPIF')
out['oapifValid'] = layer.isValid()
if layer.isValid():
    out['featureCount'] = layer.featureCount()
    names = [f.name() for f in layer.fields()]
    out['fields'] = names
    iterated = 0
    sample = None
    for f in layer.getFeatures():
        iterated += 1
        if sample is None and 'name' in names:
            sample = f['name']
    out['iterated'] = iterated
    out['sampleName'] = sample

tiles = QgsVectorTileLayer(f"type=xyz&url={args['tiles']}&zmin=0&zmax=14&authcfg={authcfg}", 'tiles')
out['tilesValid'] = tiles.isValid()
if tiles.isValid():
    settings = QgsMapSettings()
    settings.setLayers([tiles])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem('EPSG:3857'))
    settings.setExtent(QgsRectangle(*args['extent3857']))
    settings.setOutputSize(QSize(256, 256))
    settings.setBackgroundColor(QColor(0, 0, 0, 0))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    painted = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            if image.pixelColor(x, y).alpha() > 0:
                painted += 1
    out['paintedPixels'] = painted

if 'style' in args:
    # The published style, converted by QGIS's MapBox GL style converter onto one layer's tiles.
    styled = QgsVectorTileLayer(f"type=xyz&url={args['styledTiles']}&zmin=0&zmax=14&styleUrl={args['style']}&authcfg={authcfg}", 'styled')
    message, ok = styled.loadDefaultStyle()
    out['styleLoaded'] = bool(ok)
    out['styleMessage'] = message
    out['styleRules'] = len(styled.renderer().styles()) if ok else 0

print(json.dumps(out, ensure_ascii=False), flush=True)
# exitQgis() crashes headless QGIS 3.22 at teardown (SIGSEGV); the answer is printed, so leave at once.
os._exit(0)
