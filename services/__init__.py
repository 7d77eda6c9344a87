"""The gRPC boundary: converts protobuf to domain values and maps outcomes to gRPC statuses."""
