-- The optional per-LSOA reference figures (lsoa_environment.csv): annual mean
-- PM2.5 and recorded crime per 1,000 residents, for the outcomes framework's
-- statements about clean air and feeling safe. Empty when the file is absent.
create table lsoa_environment (
  lsoa text not null,
  pm25_ugm3 double precision,
  crimes_per_1000 double precision
);
