# A minimal image for the static binary. Build the binary first on the host
# (make release, or make build), then: docker build -t gatehouse .
FROM scratch
COPY dist/gatehouse-linux-amd64 /gatehouse
USER 65532:65532
VOLUME ["/data"]
EXPOSE 8080
ENV GATEHOUSE_DATA=/data GATEHOUSE_ADDR=0.0.0.0:8080
ENTRYPOINT ["/gatehouse"]
CMD ["serve"]
