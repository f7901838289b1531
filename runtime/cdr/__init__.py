"""Bulk rating of CDR files: columnar kernels over Arrow record batches (docs/cdr.md).

`runtime.cdr.columns` (the column schema), `runtime.cdr.kernel` (the vectorised stateless
rater), `runtime.cdr.rater` (kernel, `Engine.apply` path and the stateful fold),
`runtime.cdr.files` (streaming CSV and Parquet in and out), `runtime.cdr.spark` (the same on
Apache Spark). Imports only `runtime`, pyarrow and numpy (pyspark in `spark`).
"""
