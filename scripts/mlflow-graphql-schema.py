"""Prints the GraphQL schema (SDL) of the installed MLflow server. src/mlflow/graphql/mlflow-schema.ts holds a copy;
an integration test checks that the copy is the installed MLflow's schema."""
import logging
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

from mlflow.server.graphql.graphql_schema_extensions import schema  # noqa: E402

print(schema)
