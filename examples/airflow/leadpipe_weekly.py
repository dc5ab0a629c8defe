"""Weekly leadpipe load, as an Airflow DAG (Airflow 2.6+).

Each Monday it loads what the agencies published in the week before into the warehouse,
writes the run's results document next to the run, and is marked *skipped* (not failed)
when there was nothing new to load: leadpipe exits 99 then, Airflow's `skip_on_exit_code`.
Any other non-zero status fails the task, by leadpipe's table of exit statuses
(`leadpipe --help`): 1 a file failed, 2 the run could not happen, 3 an error check failed,
4 a snapshot was held by a guard. The database URL comes from the environment
(`DATABASE_URL`, e.g. an Airflow connection exported by the deployment), never from the DAG.

leadpipe's test suite runs the command below, as written here, with the template filled in.
"""

from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

# The command line, between the markers the tests read it by.
# command:
LEADPIPE_COMMAND = (
    'leadpipe ingest "$LEADPIPE_INPUT" --since {{ data_interval_start | ds }} '
    '--results "$LEADPIPE_RESULTS/{{ ds }}.json"'
)
# /command

with DAG(
    dag_id="leadpipe_weekly",
    schedule="@weekly",
    start_date=datetime(2026, 1, 5),
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=30)},
) as dag:
    BashOperator(
        task_id="ingest",
        bash_command=LEADPIPE_COMMAND,
        env={
            "LEADPIPE_INPUT": "s3://agency-drops/weekly/",
            "LEADPIPE_RESULTS": "/var/lib/leadpipe/results",
        },
        append_env=True,  # keeps DATABASE_URL, AWS_* and PATH from the worker
        skip_on_exit_code=99,
    )
