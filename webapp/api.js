// Renders /openapi with Swagger UI. The token the console keeps in this tab's session storage is sent along.
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi?format=JSON",
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: (request) => {
      const token = sessionStorage.getItem("tether.token");
      if (token && !request.headers.Authorization && !request.url.includes("/openapi")) {
        request.headers.Authorization = "Bearer " + token;
      }
      return request;
    },
    responseInterceptor: (response) => {
      // Payara Micro adds a top-level "endpoints" object that OpenAPI 3.0 does not know: drop it
      if (response.url && response.url.includes("/openapi")) {
        try {
          const doc = JSON.parse(response.text);
          if (doc.endpoints) {
            delete doc.endpoints;
            response.text = JSON.stringify(doc);
            response.data = response.text;
            response.body = response.obj = doc;
          }
        } catch (e) {
          // not JSON: leave it to Swagger UI
        }
      }
      return response;
    },
  });
});
