"""The Dapr peer of `make bench`: a private stack driven through its REST API."""
