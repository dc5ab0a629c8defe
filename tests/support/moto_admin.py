"""Set-up steps for tests against a local moto S3 server: buckets, objects, IAM users, auth.

Usage: python moto_admin.py ENDPOINT COMMAND [ARGS...]
  bucket NAME                  create a bucket
  put BUCKET KEY FILE          upload a file
  get BUCKET PREFIX DIR        download every object under PREFIX into DIR, by key; prints
                               "KEY SIZE" per object
  user NAME ACTION[,ACTION]    create an IAM user allowed ACTIONs on everything; prints
                               "ACCESS_KEY_ID SECRET_ACCESS_KEY"
  auth-on                      from now on, check every request's credentials
"""
import json
import os
import sys
import boto3
import requests
from botocore.config import Config

endpoint, command, *args = sys.argv[1:]


def client(service):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(s3={"addressing_style": "path"}),
    )


if command == "bucket":
    client("s3").create_bucket(Bucket=args[0])
elif command == "put":
    bucket, key, path = args
    client("s3").upload_file(path, bucket, key)
elif command == "get":
    bucket, prefix, folder = args
    s3 = client("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            path = os.path.join(folder, item["Key"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            s3.download_file(bucket, item["Key"], path)
            print(item["Key"], item["Size"])
elif command == "user":
    name, actions = args
    iam = client("iam")
    iam.create_user(UserName=name)
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions.split(","), "Resource": "*"}]}
    iam.put_user_policy(UserName=name, PolicyName="leadpipe-test", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    print(key["AccessKeyId"], key["SecretAccessKey"])
elif command == "auth-on":
    requests.post(endpoint + "/moto-api/reset-auth", data=b"0").raise_for_status()
else:
    sys.exit(f"unknown command {command}")
