"""Area and asset routes (GeoJSON, RFC 7946: lon/lat WGS84)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from seawarden.api.areas import service
from seawarden.api.auth import Viewer
from seawarden.api.context import ApiContext, get_ctx
from seawarden.store import NotFound, Principal

router = APIRouter(tags=["areas"])

GEOJSON = "application/geo+json"
ItemId = Annotated[str, Path(min_length=1, max_length=200)]


def _geojson(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse(data, media_type=GEOJSON)


@router.get("/areas", summary="Areas of interest (FeatureCollection)", response_class=JSONResponse)
def areas(_who: Principal = Viewer, ctx: ApiContext = Depends(get_ctx)) -> JSONResponse:
    return _geojson(service.collection(ctx, "areas"))


@router.get("/areas/{area_id}", summary="One area (Feature)", response_class=JSONResponse)
def area(area_id: ItemId, _who: Principal = Viewer, ctx: ApiContext = Depends(get_ctx)) -> JSONResponse:
    found = service.feature(ctx, "areas", area_id)
    if found is None:
        raise NotFound(f"no area {area_id!r}")
    return _geojson(found)


@router.get("/assets", summary="Cables and pipelines (FeatureCollection)", response_class=JSONResponse)
def assets(_who: Principal = Viewer, ctx: ApiContext = Depends(get_ctx)) -> JSONResponse:
    return _geojson(service.collection(ctx, "assets"))


@router.get("/assets/{asset_id}", summary="One asset (Feature)", response_class=JSONResponse)
def asset(asset_id: ItemId, _who: Principal = Viewer, ctx: ApiContext = Depends(get_ctx)) -> JSONResponse:
    found = service.feature(ctx, "assets", asset_id)
    if found is None:
        raise NotFound(f"no asset {asset_id!r}")
    return _geojson(found)
