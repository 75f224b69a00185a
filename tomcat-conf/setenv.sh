# Example $CATALINA_BASE/bin/setenv.sh for Session Service. Tomcat sources it at start-up.
# Keep the real key out of version control: this file should be readable by Tomcat's user only.
export SESSION_KEY='replace-with-a-long-random-key'   # comma-separated to accept several while rotating
export SESSION_STORE=memory                           # memory | redis | mongodb | couchbase
# export REDIS_URL=redis://127.0.0.1:6379
# export REDIS_CLUSTER_NODES=10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379
# export MONGODB_URI=mongodb://127.0.0.1:27017 MONGODB_DATABASE=sessions
# export COUCHBASE_CONNECTION_STRING=couchbase://127.0.0.1 COUCHBASE_USERNAME=sessions COUCHBASE_PASSWORD=... COUCHBASE_BUCKET=sessions
